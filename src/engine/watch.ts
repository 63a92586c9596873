/** WATCH bookkeeping: placeholder until transactions land (issue 4). */
import type { Client } from './client.js';
import type { Database } from './database.js';

export class WatchManager {
  /** A key was modified: clients watching it will fail their EXEC. */
  touch(_db: Database, _key: string): void {}
  /** Every key of a database was modified (FLUSHDB, SWAPDB). */
  touchDatabase(_db: Database): void {}
  /** Forget what `c` watches (UNWATCH, EXEC, DISCARD, disconnect). */
  unwatchAll(_c: Client): void {}
}
