/**
 * Runs one command sequence on a real redis-server and on redis-sim over persistent raw
 * connections and finds the first reply that differs (after the documented normalizations).
 *
 * A step is a command for connection A, or a command tagged for another connection:
 *   '@B' a blocking connection: its command is sent and, if the server blocks it, its reply is
 *        read later, right after the step (on A or W) that serves it; a waiter still blocked at the
 *        end is released by CLIENT UNBLOCK from A. Whether B is blocked is asked of the server
 *        (CLIENT LIST ID on a control connection, flag b), never inferred from real time.
 *   '@C' a second blocking connection, the same (waiters served in order, BLMOVE chains).
 *   '@W' a second writer (WATCH invalidation from another client, or serving B's waiter).
 *   '@S' a subscriber: SUBSCRIBE/PSUBSCRIBE/UNSUBSCRIBE...; everything it receives (subscription
 *        replies, messages, keyspace notifications) is compared in order, up to a final PING.
 */
import { parseReply } from '../../src/protocol/reply-parser.js';
import { RawClient } from '../../test/raw-client.js';
import { sortReply, splitAggregate } from '../harness.js';
import type { Cmd } from './commands.js';

/** Replies whose element order Redis does not define (hash-table sets, KEYS). */
const UNORDERED = new Set(['SMEMBERS', 'SINTER', 'SUNION', 'SDIFF', 'KEYS']);

export interface Step {
  cmd: Cmd;
  real: string;
  sim: string;
}

export interface Outcome {
  steps: Step[];
  /** Index of the first differing step, or -1. */
  firstDiff: number;
}

/** The same connection role on both servers. */
interface Side {
  real: RawClient;
  sim: RawClient;
}

/** A blocking connection on both servers, with its client IDs (for CLIENT UNBLOCK). */
type Blocker = Side & { idReal: string; idSim: string };

/** The blocking connections' tags, in the order their waiters are checked and released. */
const BLOCKERS = ['@B', '@C'];

/** The defaults of every setting the generators change (compat/fuzz/commands.ts, CONFIG). */
const CONFIG_DEFAULTS: Cmd = [
  'CONFIG',
  'SET',
  'notify-keyspace-events',
  '',
  'zset-max-listpack-entries',
  '128',
  'zset-max-listpack-value',
  '64',
  'hash-max-listpack-entries',
  '512',
  'hash-max-listpack-value',
  '64',
  'set-max-intset-entries',
  '512',
  'stream-node-max-entries',
  '100',
  'list-max-listpack-size',
  '-2',
];

const PONGS = new Set(['*2\r\n$4\r\npong\r\n$0\r\n\r\n', '+PONG\r\n']);

export class Pair {
  private w?: Side;
  /** Blocking connections of the current run, by tag. */
  private blockers = new Map<string, Blocker>();
  private s?: Side;

  private constructor(
    readonly resp: 2 | 3,
    private readonly a: Side,
    private readonly ctl: Side,
    private readonly ports: { real: number; sim: number },
  ) {}

  static async open(realPort: number, simPort: number, resp: 2 | 3): Promise<Pair> {
    const ports = { real: realPort, sim: simPort };
    const a = await Pair.side(ports, resp);
    const ctl = await Pair.side(ports, 2);
    return new Pair(resp, a, ctl, ports);
  }

  private static async side(ports: { real: number; sim: number }, resp: 2 | 3): Promise<Side> {
    const [real, sim] = await Promise.all([RawClient.connect(ports.real), RawClient.connect(ports.sim)]);
    if (resp === 3) await Promise.all([real.call('HELLO', '3'), sim.call('HELLO', '3')]);
    return { real, sim };
  }

  close(): void {
    for (const side of [this.a, this.ctl, this.w, this.s, ...this.blockers.values()]) {
      side?.real.close();
      side?.sim.close();
    }
  }

  /** Empties both servers and resets A's connection state, then runs `seq` on both. */
  async run(seq: readonly Cmd[]): Promise<Outcome> {
    // Both RESP pairs share the servers, so the global state a sequence may change (keyspace
    // events, encoding thresholds, the script cache) is always reset to Redis's defaults.
    // A run that stopped at a difference inside MULTI left A in the transaction: DISCARD first
    // (an error reply when there is none).
    const reset: Cmd[] = [['DISCARD'], ['FLUSHALL'], ['SELECT', '0'], ['UNWATCH'], ['SCRIPT', 'FLUSH'], CONFIG_DEFAULTS];
    await Promise.all([this.a.real.pipeline(reset), this.a.sim.pipeline(reset)]);
    const steps: Step[] = [];
    let queued: Cmd[] | undefined;
    /** Blocking connections whose command is still blocked on both servers. */
    const waiting = new Set<string>();
    /** After each step: the waiters it served, read in BLOCKERS order. */
    const checkWaiters = async (): Promise<boolean> => {
      for (const tag of BLOCKERS) {
        if (!waiting.has(tag)) continue;
        const b = this.blockers.get(tag) as Blocker;
        const [br, bs] = await Promise.all([this.settle(b.real, b.idReal, this.ctl.real), this.settle(b.sim, b.idSim, this.ctl.sim)]);
        if (br === undefined && bs === undefined) continue;
        waiting.delete(tag);
        if (done([tag, '(served by the previous step)'], br ?? '(still blocked)', bs ?? '(still blocked)')) return true;
      }
      return false;
    };
    /** A's selected database, for the control connection's OBJECT ENCODING. */
    let db = '0';
    /** Whether the current step is a lex range over a zset where Redis leaves it unspecified. */
    let unspecifiedLex = false;
    const subscribed = { real: '', sim: '' };
    const done = (cmd: Cmd, r: string, s: string, nr = r, ns = s): boolean => {
      steps.push({ cmd, real: r, sim: s });
      return nr !== ns;
    };
    try {
      for (const cmd of seq) {
        const tag = cmd[0] as string;
        if (BLOCKERS.includes(tag)) {
          if (waiting.has(tag)) {
            const skipped = `(skipped: ${tag.slice(1)} is blocked)`;
            steps.push({ cmd, real: skipped, sim: skipped });
            continue;
          }
          const b = await this.blocker(tag);
          const args = cmd.slice(1);
          b.real.write(encode(args));
          b.sim.write(encode(args));
          const [r, s] = await Promise.all([this.settle(b.real, b.idReal, this.ctl.real), this.settle(b.sim, b.idSim, this.ctl.sim)]);
          if (done(cmd, r ?? '(blocked)', s ?? '(blocked)')) return { steps, firstDiff: steps.length - 1 };
          if (r === undefined) waiting.add(tag);
          // A command served at once (BLMOVE) may serve another waiter.
          else if (await checkWaiters()) return { steps, firstDiff: steps.length - 1 };
          continue;
        }
        if (tag === '@S') {
          const sub = await this.subscriber();
          const [r, s] = await Promise.all([untilPong(sub.real, cmd.slice(1)), untilPong(sub.sim, cmd.slice(1))]);
          const all = cmd.length === 2 && cmd[1]?.toUpperCase() === 'UNSUBSCRIBE';
          const [nr, ns] = all ? [unsubscribeAll(r), unsubscribeAll(s)] : [r, s];
          subscribed.real += nr;
          subscribed.sim += ns;
          if (done(cmd, r, s, patternOrder(nr), patternOrder(ns))) return { steps, firstDiff: steps.length - 1 };
          continue;
        }
        let r: string;
        let s: string;
        let nr: string;
        let ns: string;
        if (tag === '@W') {
          unspecifiedLex = false;
          const w = await this.writer();
          [r, s] = await Promise.all([w.real.call(...cmd.slice(1)), w.sim.call(...cmd.slice(1))]);
          nr = r;
          ns = s;
        } else {
          // Whether a lex range (alone, or in this EXEC) reads a mixed-score skiplist zset: asked
          // before it runs, as ZREMRANGEBYLEX may delete the key.
          const lex = (tag.toUpperCase() === 'EXEC' ? (queued ?? []) : [cmd]).find(isLexRange);
          const source = lex && (lex[0]?.toUpperCase() === 'ZRANGESTORE' ? lex[2] : lex[1]);
          unspecifiedLex = source !== undefined && (await this.mixedSkiplist(db, source));
          [r, s] = await Promise.all([this.a.real.call(...cmd), this.a.sim.call(...cmd)]);
          // In an EXEC the zset may also have been created by an earlier queued command: ask again.
          if (source !== undefined && !unspecifiedLex && r !== s) unspecifiedLex = await this.mixedSkiplist(db, source);
          const name = tag.toUpperCase();
          nr = r;
          ns = s;
          if (name === 'MULTI' && r === '+OK\r\n') queued = [];
          else if (queued && r === '+QUEUED\r\n') queued.push(cmd);
          else if (name === 'EXEC' && queued) {
            const items = splitAggregate(r)?.items ?? [];
            queued.forEach((q, i) => {
              if ((q[0] as string).toUpperCase() === 'SELECT' && items[i] === '+OK\r\n') db = q[1] as string;
            });
            nr = normalizeExec(r, queued);
            ns = normalizeExec(s, queued);
            queued = undefined;
          } else if (name === 'DISCARD') queued = undefined;
          else {
            nr = normalize(cmd, r);
            ns = normalize(cmd, s);
            if (name === 'SELECT' && r === '+OK\r\n') db = cmd[1] as string;
            if (HASH_ORDER.has(name) && nr !== ns && (await this.encoding(db, cmd[1] as string)) === 'hashtable') {
              nr = sortPairs(cmd, r);
              ns = sortPairs(cmd, s);
            }
            if (sortByPattern(cmd) && nr !== ns && DICT_ENCODINGS.has(await this.encoding(db, cmd[1] as string))) {
              nr = sortReply(r);
              ns = sortReply(s);
            }
          }
        }
        if (nr !== ns && unspecifiedLex) {
          // Unspecified in Redis (see isLexRange): the run ends here, without a difference.
          steps.push({ cmd, real: r, sim: s }, { cmd: ['(unspecified lex range: run ends)'], real: '', sim: '' });
          return { steps, firstDiff: -1 };
        }
        if (done(cmd, r, s, nr, ns)) return { steps, firstDiff: steps.length - 1 };
        if (await checkWaiters()) return { steps, firstDiff: steps.length - 1 };
      }
      for (const tag of BLOCKERS) {
        if (!waiting.has(tag)) continue;
        // Release a waiter left blocked: CLIENT UNBLOCK from A, then its reply (null).
        const b = this.blockers.get(tag) as Blocker;
        const [r, s] = await Promise.all([this.a.real.call('CLIENT', 'UNBLOCK', b.idReal), this.a.sim.call('CLIENT', 'UNBLOCK', b.idSim)]);
        if (done(['CLIENT', 'UNBLOCK', `<${tag.slice(1)}>`], r, s)) return { steps, firstDiff: steps.length - 1 };
        const [br, bs] = await Promise.all([readOr(b.real), readOr(b.sim)]);
        if (done([tag, '(released by CLIENT UNBLOCK)'], br, bs)) return { steps, firstDiff: steps.length - 1 };
      }
      if (this.s) {
        const [r, s] = await Promise.all([untilPong(this.s.real), untilPong(this.s.sim)]);
        subscribed.real += r;
        subscribed.sim += s;
        const received = ['@S', '(everything received, in order)'];
        if (done(received, subscribed.real, subscribed.sim, patternOrder(subscribed.real), patternOrder(subscribed.sim))) {
          return { steps, firstDiff: steps.length - 1 };
        }
      }
      return { steps, firstDiff: -1 };
    } finally {
      // B, C and S are per run: closing them drops any waiter and subscription.
      for (const side of [this.s, ...this.blockers.values()]) {
        side?.real.close();
        side?.sim.close();
      }
      this.blockers.clear();
      this.s = undefined;
    }
  }

  /**
   * The encoding of `key` (in database `db`) on the real server. Asked on the control connection:
   * OBJECT ENCODING neither touches the key nor fires a keyspace event.
   */
  private async encoding(db: string, key: string): Promise<string> {
    const [, enc] = await this.ctl.real.pipeline([
      ['SELECT', db],
      ['OBJECT', 'ENCODING', key],
    ]);
    return enc?.replace(/^\$\d+\r\n|\r\n$/g, '') ?? '';
  }

  /** Whether the real server holds `key` as a skiplist zset whose scores are not all equal. */
  private async mixedSkiplist(db: string, key: string): Promise<boolean> {
    if ((await this.encoding(db, key)) !== 'skiplist') return false;
    const [first, last] = await this.ctl.real.pipeline([
      ['ZRANGE', key, '0', '0', 'WITHSCORES'],
      ['ZRANGE', key, '-1', '-1', 'WITHSCORES'],
    ]);
    const score = (raw?: string) => raw?.split('\r\n').at(-2);
    return score(first) !== score(last);
  }

  private async writer(): Promise<Side> {
    this.w ??= await Pair.side(this.ports, this.resp);
    return this.w;
  }

  private async subscriber(): Promise<Side> {
    this.s ??= await Pair.side(this.ports, this.resp);
    return this.s;
  }

  private async blocker(tag: string): Promise<Blocker> {
    let b = this.blockers.get(tag);
    if (!b) {
      const side = await Pair.side(this.ports, this.resp);
      const [idReal, idSim] = await Promise.all([side.real.call('CLIENT', 'ID'), side.sim.call('CLIENT', 'ID')]);
      b = { ...side, idReal: idReal.slice(1, -2), idSim: idSim.slice(1, -2) };
      this.blockers.set(tag, b);
    }
    return b;
  }

  /**
   * B's reply if the server has answered it, or undefined if the server reports B blocked. A
   * command not yet processed is neither: ask again (the control connection's round trip is the
   * wait), so the answer never depends on timing.
   */
  private async settle(b: RawClient, id: string, ctl: RawClient): Promise<string | undefined> {
    for (let i = 0; i < 1000; i++) {
      if (complete(b.pending())) return b.read(1);
      const list = await ctl.call('CLIENT', 'LIST', 'ID', id);
      if (complete(b.pending())) return b.read(1);
      if (/ flags=\w*b/.test(list)) return undefined;
    }
    return '(no reply and not blocked)';
  }
}

function complete(buf: string): boolean {
  return buf.length > 0 && parseReply(buf, 0) !== undefined;
}

function encode(args: readonly string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}

async function readOr(c: RawClient): Promise<string> {
  try {
    return await c.read(1, 2000);
  } catch {
    return '(no reply)';
  }
}

/**
 * Sends `cmd` (if any) and a PING on a subscriber connection and returns everything received
 * before the PING's reply: Redis writes a client's replies and messages in order, so this is
 * exactly what the connection got up to now.
 */
async function untilPong(c: RawClient, cmd?: Cmd): Promise<string> {
  c.write((cmd ? encode(cmd) : '') + encode(['PING']));
  let out = '';
  for (;;) {
    let r: string;
    try {
      r = await c.read(1, 2000);
    } catch {
      return `${out}(no PING reply)`;
    }
    if (PONGS.has(r)) return out;
    out += r;
  }
}

/**
 * UNSUBSCRIBE with no channel walks the client's channels in hash-table order, which Redis does
 * not define (PUNSUBSCRIBE walks a list: subscription order, compared as is). The channel names
 * are sorted; the kinds and the falling counts stay where they were.
 */
function unsubscribeAll(raw: string): string {
  const replies: { header: string; items: string[] }[] = [];
  for (let pos = 0; pos < raw.length; ) {
    const r = parseReply(raw, pos);
    const agg = r && splitAggregate(raw.slice(pos, r[1]));
    if (!r || !agg || agg.items.length !== 3) return raw;
    replies.push(agg);
    pos = r[1];
  }
  const names = replies.map((x) => x.items[1] as string).sort();
  return replies.map((x, i) => x.header + x.items[0] + names[i] + x.items[2]).join('');
}

/**
 * One PUBLISH (or keyspace event) reaches a client once per matching pattern, in the order of
 * Redis 7.0's server.pubsub_patterns dict, which Redis does not define: within each run of
 * consecutive pmessages for the same channel and payload, the patterns are sorted.
 */
function patternOrder(raw: string): string {
  const out: string[] = [];
  let run: { items: string[]; raw: string }[] = [];
  const flush = () => {
    run.sort((x, y) => ((x.items[1] as string) < (y.items[1] as string) ? -1 : 1));
    for (const x of run) out.push(x.raw);
    run = [];
  };
  for (let pos = 0; pos < raw.length; ) {
    const r = parseReply(raw, pos);
    if (!r) return raw;
    const one = raw.slice(pos, r[1]);
    pos = r[1];
    const agg = splitAggregate(one);
    const isP = agg?.items.length === 4 && agg.items[0] === '$8\r\npmessage\r\n';
    const prev = run[0];
    if (!isP || !agg || (prev && (prev.items[2] !== agg.items[2] || prev.items[3] !== agg.items[3]))) flush();
    if (isP && agg) run.push({ items: agg.items, raw: one });
    else out.push(one);
  }
  flush();
  return out.join('');
}

/**
 * Hash replies (HKEYS, HVALS, HGETALL) come in listpack order (insertion, compared as is) or, for
 * a hashtable-encoded hash, in dict order, which Redis does not define: those are compared sorted
 * (HGETALL by field/value pairs). Inside EXEC they are always compared sorted, since the encoding
 * can no longer be asked as it was when the command ran.
 */
const HASH_ORDER = new Set(['HKEYS', 'HVALS', 'HGETALL']);

/**
 * SORT ... BY <pattern> (not nosort) of a sorted set (SORT converts it to a skiplist) or a
 * hashtable set loads its elements in dict order, which Redis does not define, and elements whose
 * weights tie (missing keys, equal values) keep that order: compared sorted. Lists and intsets load
 * in a defined order and are compared as they are. (The generators never STORE or LIMIT such a
 * sort, whose result would depend on the tie order.)
 */
const DICT_ENCODINGS = new Set(['skiplist', 'hashtable']);

/**
 * Lex ranges of a sorted set whose scores differ are unspecified in Redis ("the returned elements
 * are unspecified"): on a skiplist the answer depends on the random levels of its nodes. When such
 * a command's replies differ, the run stops there without a difference (later replies would
 * depend on it). Listpack zsets are scanned in order, deterministically, and stay compared.
 */
const LEX_COMMANDS = new Set(['ZRANGEBYLEX', 'ZREVRANGEBYLEX', 'ZLEXCOUNT', 'ZREMRANGEBYLEX']);

function isLexRange(cmd: Cmd): boolean {
  const name = (cmd[0] as string).toUpperCase();
  if (LEX_COMMANDS.has(name)) return true;
  return (name === 'ZRANGE' || name === 'ZRANGESTORE') && cmd.some((a) => a.toUpperCase() === 'BYLEX');
}

function sortByPattern(cmd: Cmd): boolean {
  const name = (cmd[0] as string).toUpperCase();
  if (name !== 'SORT' && name !== 'SORT_RO') return false;
  const by = cmd.findIndex((a) => a.toUpperCase() === 'BY');
  return by > 0 && cmd[by + 1]?.toLowerCase() !== 'nosort';
}

function sortPairs(cmd: Cmd, raw: string): string {
  if ((cmd[0] as string).toUpperCase() !== 'HGETALL' || raw[0] !== '*') return sortReply(raw);
  const agg = splitAggregate(raw);
  if (!agg) return raw;
  const pairs: string[] = [];
  for (let i = 0; i < agg.items.length; i += 2) pairs.push((agg.items[i] as string) + (agg.items[i + 1] as string));
  return agg.header + pairs.sort().join('');
}

function normalize(cmd: Cmd, raw: string): string {
  const name = (cmd[0] as string).toUpperCase();
  if (UNORDERED.has(name)) return sortReply(raw);
  // PUBSUB CHANNELS walks the server's channel dict.
  if (name === 'PUBSUB' && cmd[1]?.toUpperCase() === 'CHANNELS') return sortReply(raw);
  // SORT ... BY nosort without STORE returns a set in its hash-table order, which Redis does not
  // define (with STORE, or for lists and zsets, Redis keeps or forces an order).
  if (name === 'SORT' && cmd.some((a) => a.toLowerCase() === 'nosort') && !cmd.some((a) => a.toUpperCase() === 'STORE')) {
    return sortReply(raw);
  }
  return raw;
}

function normalizeExec(raw: string, queued: Cmd[]): string {
  const agg = splitAggregate(raw);
  if (!agg || agg.items.length !== queued.length) return raw;
  return (
    agg.header +
    agg.items
      .map((item, i) => {
        const q = queued[i] as Cmd;
        if (HASH_ORDER.has((q[0] as string).toUpperCase())) return sortPairs(q, item);
        return sortByPattern(q) ? sortReply(item) : normalize(q, item);
      })
      .join('')
  );
}

/** A redis-cli style transcript of a run, both replies per command, the first difference marked. */
export function transcript(o: Outcome, resp: 2 | 3): string {
  const show = (s: string) => JSON.stringify(s);
  const lines = [`RESP${resp}, ${o.steps.length} commands:`];
  o.steps.forEach((st, i) => {
    const tag = st.cmd[0]?.startsWith('@') ? st.cmd[0].slice(1) : 'A';
    const cmd = st.cmd[0]?.startsWith('@') ? st.cmd.slice(1) : st.cmd;
    const args = cmd.map((a) => (/^[\x21-\x7e]+$/.test(a) && !a.includes('"') ? a : JSON.stringify(a))).join(' ');
    lines.push(`${i === o.firstDiff ? '!!' : '  '} ${tag}> ${args}`);
    if (st.real === st.sim) lines.push(`     both: ${show(st.real)}`);
    else {
      lines.push(`     real: ${show(st.real)}`);
      lines.push(`     sim:  ${show(st.sim)}`);
    }
  });
  return lines.join('\n');
}
