/**
 * The command journal: every command read from a client (run, queued in MULTI, rejected, or
 * answered by a fault), with who sent it, where, when (the node's virtual time), what it got
 * back and how long it took. Tests assert on it: "fell back to EVAL after NOSCRIPT", "never
 * called KEYS", "polled at most once per second".
 *
 * Off by default; when off it costs dispatch one property read per command. Capped: past `cap`
 * entries the oldest are dropped (a ring). Commands run by EXEC or a script are not recorded
 * separately (the EXEC or EVAL that ran them is).
 */
import type { Client } from '../engine/client.js';
import { keyPositions } from '../engine/command.js';
import { globMatch } from '../engine/glob.js';
import type { RedisNode } from '../engine/node.js';

/** The RESP type of a reply's first frame, named. */
export type ReplyKind =
  | 'status'
  | 'error'
  | 'integer'
  | 'bulk'
  | 'null'
  | 'array'
  | 'map'
  | 'set'
  | 'double'
  | 'boolean'
  | 'bignum'
  | 'verbatim'
  | 'push'
  | 'attribute'
  /** No reply yet: the client blocked (BLPOP, CLIENT PAUSE, a delay fault, a slow script). */
  | 'blocked'
  /** No reply at all (CLIENT REPLY OFF, a connection closed by a fault). */
  | 'none';

export interface JournalEntry {
  /** Position in the journal since the node started (never reused, survives clear()). */
  readonly seq: number;
  /** Virtual time (node clock, ms since the epoch) when the command was read. */
  readonly time: number;
  readonly clientId: number;
  readonly clientName: string;
  /** The client's address ("ip:port"), or "" for in-process calls. */
  readonly addr: string;
  /** The database the command ran in (after it: SELECT records the new one). */
  readonly db: number;
  /** Lowercase command name, "name|sub" for a subcommand of a container command. */
  readonly command: string;
  readonly args: readonly string[];
  readonly reply: ReplyKind;
  /** The error reply's text (without the leading "-"), when reply is 'error'. */
  readonly error?: string;
  /** Real time the command took in the server, in microseconds. */
  readonly durationUs: number;
}

export interface JournalQuery {
  /** Command name or "name|sub" (any case). */
  command?: string;
  /** Glob one of the command's keys must match. */
  key?: string;
  /** Client id (number) or name (string). */
  client?: number | string;
  /** Virtual time range, inclusive. */
  from?: number;
  to?: number;
  /** Only the last `limit` matching entries. */
  limit?: number;
}

const KINDS: Record<string, ReplyKind> = {
  '+': 'status',
  '-': 'error',
  ':': 'integer',
  $: 'bulk',
  '*': 'array',
  '%': 'map',
  '~': 'set',
  ',': 'double',
  '#': 'boolean',
  '(': 'bignum',
  '=': 'verbatim',
  '>': 'push',
  '|': 'attribute',
  _: 'null',
};

/** The connections following a journal over the wire (SIM JOURNAL FOLLOW), each with its way to stop. */
const followers = new WeakMap<Client, () => void>();

/** Records that `c` follows a journal (SIM JOURNAL FOLLOW); `stop` unsubscribes it. */
export function setJournalFollower(c: Client, stop: () => void): void {
  followers.set(c, stop);
}

/** Ends `c`'s following (SIM JOURNAL UNFOLLOW, RESET, a disconnect); false if it did not follow. */
export function unfollowJournal(c: Client): boolean {
  const stop = followers.get(c);
  if (!stop) return false;
  followers.delete(c);
  stop();
  return true;
}

export class Journal {
  private on = false;
  private entries: JournalEntry[] = [];
  private head = 0;
  private seq = 0;
  private capV = 10_000;
  private readonly listeners = new Set<(e: JournalEntry) => void>();

  constructor(
    private readonly node: RedisNode,
    private readonly changed: () => void,
  ) {}

  get enabled(): boolean {
    return this.on;
  }

  /** Dispatch must call record(): recording, or someone follows the stream. */
  get active(): boolean {
    return this.on || this.listeners.size > 0;
  }

  /** Starts recording (optionally with a new cap). */
  start(cap?: number): void {
    if (cap !== undefined) this.cap = cap;
    this.on = true;
    this.changed();
  }

  /** Stops recording; what was recorded stays. */
  stop(): void {
    this.on = false;
    this.changed();
  }

  get cap(): number {
    return this.capV;
  }

  /** Maximum number of entries kept (the oldest go first). */
  set cap(n: number) {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError('journal cap must be a positive integer');
    const all = this.all();
    this.capV = n;
    this.entries = all.slice(-n);
    this.head = 0;
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries = [];
    this.head = 0;
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * Calls `fn` for each command from now on (streaming), whether or not the journal records:
   * following does not need start(), and what is followed is not kept unless it does. Returns
   * the unsubscribe function.
   */
  subscribe(fn: (e: JournalEntry) => void): () => void {
    this.listeners.add(fn);
    this.changed();
    return () => {
      if (this.listeners.delete(fn)) this.changed();
    };
  }

  /**
   * The commands from now on that match `q` (its `limit` is ignored), as an async iterator:
   *
   *   for await (const e of sim.journal.follow({ command: 'evalsha' })) { ...; break; }
   *
   * Leaving the loop (break, return, throw) stops following. Entries arriving faster than the
   * loop takes them are buffered.
   */
  follow(q: JournalQuery = {}): AsyncIterableIterator<JournalEntry> {
    const buffered: JournalEntry[] = [];
    let wake: ((r: IteratorResult<JournalEntry>) => void) | undefined;
    let done = false;
    const unsubscribe = this.subscribe((e) => {
      if (!this.matches(e, q)) return;
      if (wake) {
        const w = wake;
        wake = undefined;
        w({ value: e, done: false });
      } else buffered.push(e);
    });
    const finish = (): Promise<IteratorResult<JournalEntry>> => {
      done = true;
      unsubscribe();
      buffered.length = 0;
      if (wake) {
        const w = wake;
        wake = undefined;
        w({ value: undefined, done: true });
      }
      return Promise.resolve({ value: undefined, done: true });
    };
    const it: AsyncIterableIterator<JournalEntry> = {
      next: () => {
        const e = buffered.shift();
        if (e) return Promise.resolve({ value: e, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          wake = resolve;
        });
      },
      return: finish,
      throw: (err?: unknown) => finish().then(() => Promise.reject(err)),
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }

  /** Whether entry `e` matches query `q` (its limit aside). */
  matches(e: JournalEntry, q: JournalQuery): boolean {
    if (q.command !== undefined) {
      const cmd = q.command.toLowerCase().trim().replace(/\s+/, '|');
      if (e.command !== cmd && e.command.split('|')[0] !== cmd) return false;
    }
    if (q.client !== undefined && (typeof q.client === 'number' ? e.clientId !== q.client : e.clientName !== q.client)) return false;
    if (q.from !== undefined && e.time < q.from) return false;
    if (q.to !== undefined && e.time > q.to) return false;
    if (q.key !== undefined && !this.keysOf(e).some((k) => globMatch(q.key as string, k))) return false;
    return true;
  }

  /** Entries, oldest first, that match `q`. */
  query(q: JournalQuery = {}): JournalEntry[] {
    const out = this.all().filter((e) => this.matches(e, q));
    return q.limit !== undefined ? out.slice(Math.max(0, out.length - q.limit)) : out;
  }

  /** The keys an entry's command names, from the command table's key positions. */
  keysOf(e: JournalEntry): string[] {
    const spec = this.node.lookupCommand(e.args[0] ?? '');
    if (!spec) return [];
    const sub =
      spec.subcommands && e.args.length >= 2 ? spec.subcommands.find((s) => s.name === (e.args[1] as string).toLowerCase()) : undefined;
    const args = e.args as string[];
    return keyPositions(sub ?? spec, args).map((i) => args[i] as string);
  }

  private all(): JournalEntry[] {
    return this.head === 0 ? this.entries.slice() : [...this.entries.slice(this.head), ...this.entries.slice(0, this.head)];
  }

  /** Dispatch's hook after each command read from a client. */
  record(c: Client, args: string[], mark: number, t0: number): void {
    if (!this.on && this.listeners.size === 0) return;
    let reply: ReplyKind;
    let error: string | undefined;
    if (c.reply.length > mark) {
      const out = c.reply.since(mark);
      const ch = out[0] as string;
      reply = KINDS[ch] ?? 'none';
      if ((ch === '$' || ch === '*') && out[1] === '-') reply = 'null';
      else if (ch === '-') error = out.slice(1, out.indexOf('\r\n'));
    } else reply = c.blocked ? 'blocked' : 'none';
    const name = (args[0] ?? '').toLowerCase();
    const spec = this.node.lookupCommand(name);
    const sub = spec?.subcommands && args.length >= 2 ? (args[1] as string).toLowerCase() : undefined;
    const e: JournalEntry = {
      seq: ++this.seq,
      time: c.lastInteraction,
      clientId: c.id,
      clientName: c.name,
      addr: c.transport?.remoteAddress ?? '',
      db: c.db.index,
      command: sub !== undefined && spec?.subcommands?.some((s) => s.name === sub) ? `${spec.name}|${sub}` : (spec?.name ?? name),
      args: args.slice(),
      reply,
      ...(error !== undefined ? { error } : {}),
      durationUs: t0 >= 0 ? Math.round((performance.now() - t0) * 1000) : 0,
    };
    if (this.on) {
      if (this.entries.length < this.capV) this.entries.push(e);
      else {
        this.entries[this.head] = e;
        this.head = (this.head + 1) % this.capV;
      }
    }
    for (const fn of this.listeners) fn(e);
  }
}
