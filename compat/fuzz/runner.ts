/**
 * Runs one command sequence on a real redis-server and on redis-sim over persistent raw
 * connections and finds the first reply that differs (after the documented normalizations).
 */
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

export class Pair {
  private constructor(
    readonly resp: 2 | 3,
    private readonly real: RawClient,
    private readonly sim: RawClient,
  ) {}

  static async open(realPort: number, simPort: number, resp: 2 | 3): Promise<Pair> {
    const [real, sim] = await Promise.all([RawClient.connect(realPort), RawClient.connect(simPort)]);
    if (resp === 3) await Promise.all([real.call('HELLO', '3'), sim.call('HELLO', '3')]);
    return new Pair(resp, real, sim);
  }

  close(): void {
    this.real.close();
    this.sim.close();
  }

  /** Empties both servers, then runs `seq` on both. */
  async run(seq: readonly Cmd[]): Promise<Outcome> {
    await Promise.all([this.real.call('FLUSHALL'), this.sim.call('FLUSHALL')]);
    const steps: Step[] = [];
    let firstDiff = -1;
    let queued: Cmd[] | undefined;
    for (const cmd of seq) {
      const [r, s] = await Promise.all([this.real.call(...cmd), this.sim.call(...cmd)]);
      const name = (cmd[0] as string).toUpperCase();
      let nr = r;
      let ns = s;
      if (name === 'MULTI' && r === '+OK\r\n') queued = [];
      else if (queued && r === '+QUEUED\r\n') queued.push(cmd);
      else if (name === 'EXEC' && queued) {
        nr = normalizeExec(r, queued);
        ns = normalizeExec(s, queued);
        queued = undefined;
      } else if (name === 'DISCARD') queued = undefined;
      else {
        nr = normalize(cmd, r);
        ns = normalize(cmd, s);
      }
      steps.push({ cmd, real: r, sim: s });
      if (nr !== ns && firstDiff < 0) {
        firstDiff = steps.length - 1;
        break;
      }
    }
    return { steps, firstDiff };
  }
}

function normalize(cmd: Cmd, raw: string): string {
  return UNORDERED.has((cmd[0] as string).toUpperCase()) ? sortReply(raw) : raw;
}

function normalizeExec(raw: string, queued: Cmd[]): string {
  const agg = splitAggregate(raw);
  if (!agg || agg.items.length !== queued.length) return raw;
  return agg.header + agg.items.map((item, i) => normalize(queued[i] as Cmd, item)).join('');
}

/** A redis-cli style transcript of a run, both replies per command, the first difference marked. */
export function transcript(o: Outcome, resp: 2 | 3): string {
  const show = (s: string) => JSON.stringify(s);
  const lines = [`RESP${resp}, ${o.steps.length} commands:`];
  o.steps.forEach((st, i) => {
    const args = st.cmd.map((a) => (/^[\x21-\x7e]+$/.test(a) && !a.includes('"') ? a : JSON.stringify(a))).join(' ');
    lines.push(`${i === o.firstDiff ? '!!' : '  '} 127.0.0.1:6379> ${args}`);
    if (st.real === st.sim) lines.push(`     both: ${show(st.real)}`);
    else {
      lines.push(`     real: ${show(st.real)}`);
      lines.push(`     sim:  ${show(st.sim)}`);
    }
  });
  return lines.join('\n');
}
