/** Keyspace notifications: placeholder until notifications land (issue 4). */
import type { RedisNode } from './node.js';

/** Notification classes, as the letters of notify-keyspace-events. */
export type NotifyClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'm' | 'd' | 'n';

export class Notifier {
  constructor(readonly node: RedisNode) {}

  /** Publishes a keyspace/keyevent notification for `key` in database `db` if enabled. */
  notify(_db: number, _cls: NotifyClass, _event: string, _key: string): void {}
}
