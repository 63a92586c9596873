/**
 * The one thing the patterns depend on: a small client interface with the commands they send,
 * typed by the replies Redis gives in RESP2. Nothing here knows redis-sim; the patterns run
 * unchanged against a real redis-server through the ioredis or node-redis adapter
 * (`fromIoredis`, `fromNodeRedis`), or through any other client that implements `PatternClient`.
 *
 * Blocking commands (BRPOP, BLMOVE, BRPOPLPUSH, XREADGROUP BLOCK) hold their connection until
 * they return, as in Redis: give a worker its own client.
 */

/** A Redis command argument. Numbers are sent in decimal. */
export type RedisArg = string | number;

/** SET's options that the patterns use: NX (only if absent), XX (only if present), PX/EX (TTL). */
export interface SetOptions {
  nx?: boolean;
  xx?: boolean;
  /** Time to live in milliseconds (SET ... PX). */
  px?: number;
  /** Time to live in seconds (SET ... EX). */
  ex?: number;
}

/** A stream entry as XREADGROUP / XAUTOCLAIM return it: its ID and its field-value pairs. */
export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
  /** Set when the entry is still pending but its message was deleted (XREADGROUP with an ID gives it as nil). */
  deleted?: true;
}

/** XAUTOCLAIM's reply: the cursor to continue from, the claimed entries, and IDs no longer in the stream (7.0). */
export interface AutoClaimResult {
  next: string;
  entries: StreamEntry[];
  deleted: string[];
}

/** One line of the extended XPENDING form: who holds the entry, for how long, how many deliveries. */
export interface PendingEntry {
  id: string;
  consumer: string;
  idleMs: number;
  deliveries: number;
}

export interface PatternClient {
  /** Sends any command; resolves with its RESP2 reply, rejects with the error reply. */
  send(command: string, ...args: RedisArg[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
  /** SET with options; true when Redis answered OK, false when NX/XX refused it (a nil reply). */
  set(key: string, value: string, opts?: SetOptions): Promise<boolean>;
  del(...keys: string[]): Promise<number>;
  incr(key: string): Promise<number>;
  /** Remaining TTL in ms; -1 without a TTL, -2 when the key does not exist. */
  pttl(key: string): Promise<number>;
  eval(script: string, keys: string[], args: RedisArg[]): Promise<unknown>;
  evalsha(sha1: string, keys: string[], args: RedisArg[]): Promise<unknown>;
  scriptLoad(script: string): Promise<string>;
  lpush(key: string, ...values: string[]): Promise<number>;
  rpush(key: string, ...values: string[]): Promise<number>;
  /** BRPOP on one key: the popped element, or null on timeout. `timeoutS` 0 waits forever. */
  brpop(key: string, timeoutS: number): Promise<string | null>;
  blmove(source: string, destination: string, from: 'LEFT' | 'RIGHT', to: 'LEFT' | 'RIGHT', timeoutS: number): Promise<string | null>;
  brpoplpush(source: string, destination: string, timeoutS: number): Promise<string | null>;
  lrem(key: string, count: number, value: string): Promise<number>;
  lrange(key: string, start: number, stop: number): Promise<string[]>;
  llen(key: string): Promise<number>;
  sadd(key: string, ...members: string[]): Promise<number>;
  smembers(key: string): Promise<string[]>;
  /** XADD with an auto-generated ID (`*`); returns the ID. */
  xadd(key: string, fields: Record<string, string>): Promise<string>;
  /** XGROUP CREATE key group id MKSTREAM; false when the group exists already (BUSYGROUP). */
  xgroupCreate(key: string, group: string, id: string): Promise<boolean>;
  /** XREADGROUP on one stream. `id` is `>` for new entries, `0` for this consumer's pending ones. */
  xreadgroup(group: string, consumer: string, key: string, id: string, opts?: { count?: number; blockMs?: number }): Promise<StreamEntry[]>;
  xack(key: string, group: string, ...ids: string[]): Promise<number>;
  xautoclaim(key: string, group: string, consumer: string, minIdleMs: number, start: string, count?: number): Promise<AutoClaimResult>;
  /** XPENDING key group start end count [consumer]: the extended form. */
  xpending(key: string, group: string, start: string, end: string, count: number, consumer?: string): Promise<PendingEntry[]>;
  xrange(key: string, start: string, end: string): Promise<StreamEntry[]>;
}

/** The error a client raised for an error reply: its text starts with Redis's code (NOSCRIPT, BUSYGROUP...). */
export function errorCode(err: unknown): string | undefined {
  const msg = err instanceof Error ? err.message : typeof err === 'string' ? err : undefined;
  return msg?.split(' ', 1)[0];
}

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString();
  return String(v);
}

function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : str(v);
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(str(v));
}

function entries(v: unknown): StreamEntry[] {
  if (!Array.isArray(v)) return [];
  const out: StreamEntry[] = [];
  for (const e of v) {
    // XAUTOCLAIM and XRANGE never return deleted entries; XREADGROUP with id 0 returns [id, nil]
    // for pending entries whose message was deleted from the stream.
    const [id, kv] = e as [unknown, unknown];
    const fields: Record<string, string> = {};
    if (!Array.isArray(kv)) {
      out.push({ id: str(id), fields, deleted: true });
      continue;
    }
    for (let i = 0; i + 1 < kv.length; i += 2) fields[str(kv[i])] = str(kv[i + 1]);
    out.push({ id: str(id), fields });
  }
  return out;
}

function flatten(fields: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(fields)) out.push(k, v);
  return out;
}

/**
 * Builds a PatternClient from one function that sends a command and resolves with its RESP2
 * reply. Both adapters are this plus the client's own way of sending a raw command.
 */
export function fromSend(send: (command: string, args: RedisArg[]) => Promise<unknown>): PatternClient {
  const c = (command: string, ...args: RedisArg[]) => send(command, args);
  return {
    send: c,
    get: async (key) => strOrNull(await c('GET', key)),
    set: async (key, value, opts = {}) => {
      const args: RedisArg[] = [key, value];
      if (opts.nx) args.push('NX');
      if (opts.xx) args.push('XX');
      if (opts.px !== undefined) args.push('PX', Math.max(1, Math.round(opts.px)));
      if (opts.ex !== undefined) args.push('EX', Math.max(1, Math.round(opts.ex)));
      return (await c('SET', ...args)) !== null;
    },
    del: async (...keys) => num(await c('DEL', ...keys)),
    incr: async (key) => num(await c('INCR', key)),
    pttl: async (key) => num(await c('PTTL', key)),
    eval: (script, keys, args) => c('EVAL', script, keys.length, ...keys, ...args),
    evalsha: (sha1, keys, args) => c('EVALSHA', sha1, keys.length, ...keys, ...args),
    scriptLoad: async (script) => str(await c('SCRIPT', 'LOAD', script)),
    lpush: async (key, ...values) => num(await c('LPUSH', key, ...values)),
    rpush: async (key, ...values) => num(await c('RPUSH', key, ...values)),
    brpop: async (key, timeoutS) => {
      const r = await c('BRPOP', key, timeoutS);
      return Array.isArray(r) ? str(r[1]) : null;
    },
    blmove: async (source, destination, from, to, timeoutS) => strOrNull(await c('BLMOVE', source, destination, from, to, timeoutS)),
    brpoplpush: async (source, destination, timeoutS) => strOrNull(await c('BRPOPLPUSH', source, destination, timeoutS)),
    lrem: async (key, count, value) => num(await c('LREM', key, count, value)),
    lrange: async (key, start, stop) => ((await c('LRANGE', key, start, stop)) as unknown[]).map(str),
    llen: async (key) => num(await c('LLEN', key)),
    sadd: async (key, ...members) => num(await c('SADD', key, ...members)),
    smembers: async (key) => ((await c('SMEMBERS', key)) as unknown[]).map(str),
    xadd: async (key, fields) => str(await c('XADD', key, '*', ...flatten(fields))),
    xgroupCreate: async (key, group, id) => {
      try {
        await c('XGROUP', 'CREATE', key, group, id, 'MKSTREAM');
        return true;
      } catch (err) {
        if (errorCode(err) === 'BUSYGROUP') return false;
        throw err;
      }
    },
    xreadgroup: async (group, consumer, key, id, opts = {}) => {
      const args: RedisArg[] = ['GROUP', group, consumer];
      if (opts.count !== undefined) args.push('COUNT', opts.count);
      if (opts.blockMs !== undefined) args.push('BLOCK', opts.blockMs);
      args.push('STREAMS', key, id);
      const r = await c('XREADGROUP', ...args);
      // RESP2: [[key, entries]] or nil when BLOCK timed out.
      if (!Array.isArray(r) || r.length === 0) return [];
      return entries((r[0] as unknown[])[1]);
    },
    xack: async (key, group, ...ids) => num(await c('XACK', key, group, ...ids)),
    xautoclaim: async (key, group, consumer, minIdleMs, start, count) => {
      const args: RedisArg[] = [key, group, consumer, minIdleMs, start];
      if (count !== undefined) args.push('COUNT', count);
      const r = (await c('XAUTOCLAIM', ...args)) as unknown[];
      return { next: str(r[0]), entries: entries(r[1]), deleted: Array.isArray(r[2]) ? r[2].map(str) : [] };
    },
    xpending: async (key, group, start, end, count, consumer) => {
      const args: RedisArg[] = [key, group, start, end, count];
      if (consumer !== undefined) args.push(consumer);
      const r = (await c('XPENDING', ...args)) as unknown[][];
      return r.map(([id, consumer, idle, deliveries]) => ({
        id: str(id),
        consumer: str(consumer),
        idleMs: num(idle),
        deliveries: num(deliveries),
      }));
    },
    xrange: async (key, start, end) => entries(await c('XRANGE', key, start, end)),
  };
}
