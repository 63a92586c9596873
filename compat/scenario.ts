/**
 * Multi-connection compat scenarios: the same script of steps runs on a real redis-server and on
 * redis-sim, each step on one of several connections, and the transcripts (raw reply bytes) are
 * compared in RESP2 and RESP3. For WATCH races, pub/sub frames arriving on other connections and
 * keyspace-notification streams and clients blocked on keys, which a one-connection CompatCase
 * cannot express.
 */
import { describe, expect, it } from 'vitest';
import { parseReply } from '../src/protocol/reply-parser.js';
import { RawClient } from '../test/raw-client.js';
import { haveRealRedis, sortReply, useTargets } from './harness.js';

export type Step =
  /** Sends `cmd` on connection `c` and reads `replies` replies (default 1; 0 reads nothing). */
  | { c: number; cmd: readonly string[]; replies?: number; sort?: boolean }
  /** Reads `n` frames that arrived on connection `c` (pub/sub messages). */
  | { c: number; read: number; sort?: boolean }
  /** Reads frames on connection `c` until one contains `until` (included). */
  | { c: number; until: string }
  /** Waits real time (both servers run on real time here); keep it short. */
  | { sleep: number }
  /** Waits until `blocked` clients are blocked (INFO clients' blocked_clients), checking every 5 ms for up to 2 s. */
  | { blocked: number };

export interface Scenario {
  name: string;
  steps: readonly Step[];
  resp?: readonly (2 | 3)[];
  /** Configuration set before the steps and reset after (e.g. notify-keyspace-events). */
  config?: Record<string, string>;
}

/** Splits raw bytes holding several complete replies into each reply's bytes. */
function splitReplies(raw: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < raw.length) {
    const r = parseReply(raw, pos);
    if (!r) throw new Error(`incomplete reply in ${JSON.stringify(raw.slice(pos))}`);
    out.push(raw.slice(pos, r[1]));
    pos = r[1];
  }
  return out;
}

/** Runs a scenario on one server and returns its transcript. */
export async function runScenario(port: number, sc: Scenario, resp: 2 | 3): Promise<string[]> {
  const clients = new Map<number, RawClient>();
  const admin = await RawClient.connect(port);
  const get = async (i: number): Promise<RawClient> => {
    let c = clients.get(i);
    if (!c) {
      c = await RawClient.connectResp(port, resp);
      clients.set(i, c);
    }
    return c;
  };
  const out: string[] = [];
  try {
    await admin.call('FLUSHALL');
    for (const [k, v] of Object.entries(sc.config ?? {})) await admin.call('CONFIG', 'SET', k, v);
    for (const st of sc.steps) {
      if ('sleep' in st) {
        await new Promise((r) => setTimeout(r, st.sleep));
        continue;
      }
      if ('blocked' in st) {
        await untilBlocked(admin, st.blocked);
        continue;
      }
      const c = await get(st.c);
      let raw: string;
      if ('cmd' in st) {
        c.write(encode(st.cmd));
        raw = st.replies === 0 ? '' : await c.read(st.replies ?? 1);
        if (st.sort) raw = st.replies && st.replies > 1 ? splitReplies(raw).sort().join('') : sortReply(raw);
        out.push(`${st.c}> ${st.cmd.join(' ')}\n${raw}`);
      } else if ('read' in st) {
        raw = await c.read(st.read);
        if (st.sort) raw = splitReplies(raw).sort().join('');
        out.push(`${st.c}< ${raw}`);
      } else {
        const frames: string[] = [];
        for (;;) {
          const f = await c.read(1);
          frames.push(f);
          if (f.includes(st.until)) break;
        }
        out.push(...frames.map((f) => `${st.c}< ${f}`));
      }
    }
  } finally {
    for (const c of clients.values()) c.close();
    for (const k of Object.keys(sc.config ?? {})) await admin.call('CONFIG', 'SET', k, '').catch(() => {});
    admin.close();
  }
  return out;
}

/** Waits until `n` clients are blocked on the server `admin` talks to. */
async function untilBlocked(admin: RawClient, n: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const m = /blocked_clients:(\d+)/.exec(await admin.call('INFO', 'clients'));
    if (m && Number(m[1]) >= n) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`fewer than ${n} clients blocked`);
}

function encode(args: readonly string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}

/** Declares scenarios: each runs on real Redis and on redis-sim, in each protocol version. */
export function scenarioSuite(name: string, scenarios: readonly Scenario[]): void {
  describe.runIf(haveRealRedis)(`compat: ${name}`, () => {
    const targets = useTargets();
    for (const sc of scenarios) {
      for (const resp of sc.resp ?? [2, 3]) {
        it(`${sc.name} (RESP${resp})`, async () => {
          const t = targets();
          const real = await runScenario(t.real.port, sc, resp);
          const sim = await runScenario(t.sim.port, sc, resp);
          expect(sim).toEqual(real);
        });
      }
    }
  });
}
