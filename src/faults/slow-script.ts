/**
 * Slow scripts, simulated: a script matched by a `slow` command fault (EVAL, EVALSHA, their _RO
 * forms, FCALL, FCALL_RO) runs at once, atomically, but "takes" that much of the node's virtual
 * time. Meanwhile the node behaves as Redis 7.0 does while a script is running:
 *
 * - until busy-reply-threshold has passed since the script started, nothing else is processed
 *   (commands wait, as while Redis's event loop is held);
 * - after it, processCommand's busy branch: a command without the allow-busy flag is rejected with
 *   `-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.`
 *   (FUNCTION KILL for a function). Allowed: AUTH HELLO MULTI DISCARD WATCH UNWATCH QUIT RESET
 *   SHUTDOWN (only with NOSAVE; without it the same BUSY error) SCRIPT KILL FUNCTION KILL
 *   FUNCTION STATS (BUSY while an EVAL runs) REPLCONF, and the control command;
 * - SCRIPT KILL / FUNCTION KILL stop a script that has not written (the caller gets
 *   `-ERR Script killed by user with SCRIPT KILL... script: <name>, on @user_script:<line>.`,
 *   @user_function for a function; the line is where the script's run ended: a loop the time
 *   guard stopped names its body's first line, as Redis's count hook does, otherwise the last
 *   line that made a call) and answer `-UNKILLABLE` once it wrote;
 *   SCRIPT KILL of a function or FUNCTION KILL of an EVAL get the other BUSY text;
 * - when the clock reaches the script's end, its caller gets the script's reply and waiting
 *   commands run.
 *
 * A script that really runs long (a CPU-bound loop) gets the same state (startReal / endReal):
 * the engine runs it in slices and gives the event loop back between them (scripting/engine.ts);
 * SCRIPT KILL then makes it raise the kill error in its next slice.
 */
import { createHash } from 'node:crypto';
import type { Client } from '../engine/client.js';
import type { Timer } from '../engine/clock.js';
import type { ResolvedCommand } from '../engine/command.js';
import { call } from '../engine/dispatch.js';
import type { RedisNode } from '../engine/node.js';
import type { NodeFaults } from './faults.js';

export const SLOW_EVAL_ERR = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
export const SLOW_FUNCTION_ERR = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';
const UNKILLABLE =
  'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.';

/** The source line the last script run was on when it ended (scripting/engine.ts notes it). */
let lastScriptLine = 1;

/** Called by the script engine after each run with the line it ended on. */
export function noteScriptLine(line: number): void {
  lastScriptLine = line > 0 ? line : 1;
}

/** A simulated slow script is being run (its real run must not end slices of its own). */
let simulating = false;

/** Whether the script engine runs a script for a `slow` command fault (it then runs at once). */
export function simulatingSlowScript(): boolean {
  return simulating;
}

/**
 * A script that really runs long, in slices (scripting/engine.ts), as the engine describes it
 * here: the busy state is the same as a simulated one's, but it ends when the script does.
 */
export interface RealScript {
  readonly client: Client;
  readonly isEval: boolean;
  readonly name: string;
  readonly args: readonly string[];
  /** It called a write command (SCRIPT_WRITE_DIRTY): SCRIPT KILL answers UNKILLABLE. */
  wrote(): boolean;
  /** The line it is on (where its last slice ended). */
  line(): number;
  /** SCRIPT KILL / FUNCTION KILL: the script raises the kill error in its next slice. */
  kill(): void;
  /** The node stops: the script is dropped, unanswered. */
  abort(): void;
}

export interface BusyScript {
  readonly client: Client;
  readonly isEval: boolean;
  /** The script's name in errors: the SHA1 for EVAL/EVALSHA, the function's name for FCALL. */
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly wrote: boolean;
  /** The command that runs it (FUNCTION STATS's running_script.command). */
  readonly args: readonly string[];
  /** The line SCRIPT KILL's error names: where the script was when its run ended. */
  readonly line: number;
  /** Past busy-reply-threshold: other clients get BUSY instead of waiting. */
  timedOut: boolean;
  thresholdTimer: Timer | undefined;
  /** Set for a script that really runs (in slices). */
  readonly real?: RealScript;
}

export class SlowScripts {
  busy: BusyScript | undefined;

  constructor(
    private readonly node: RedisNode,
    private readonly faults: NodeFaults,
  ) {
    faults.commands.onSlow((c, r, args, ms) => this.start(c, r, args, ms));
  }

  /** Before the threshold, everything waits (the event loop is held). */
  get holding(): boolean {
    return this.busy !== undefined && !this.busy.timedOut;
  }

  private start(c: Client, r: ResolvedCommand, args: string[], ms: number): boolean {
    const node = this.node;
    if (c.noBlock || !c.transport || this.busy) return false;
    const mark = c.reply.length;
    const dirty = node.stats.dirty;
    simulating = true;
    try {
      call(node, c, r, args);
    } finally {
      simulating = false;
    }
    const loading = c.blockRequest;
    if (loading) {
      // The Lua engine was still loading: the client waits for it as usual, then the script runs
      // and its slow part starts.
      const run = loading.onTimeout;
      loading.onTimeout = (cl) => {
        const m = cl.reply.length;
        const d = node.stats.dirty;
        run(cl);
        this.begin(cl, r, args, ms, cl.reply.since(m), node.stats.dirty > d, lastScriptLine);
        cl.reply.truncate(m);
      };
      node.blocking.block(c, args);
      c.blockRequest = undefined;
      return true;
    }
    const reply = c.reply.since(mark);
    c.reply.truncate(mark);
    this.begin(c, r, args, ms, reply, node.stats.dirty > dirty, lastScriptLine);
    return true;
  }

  /** The script ran (reply kept): the node is busy until the clock has moved `ms`. */
  private begin(c: Client, r: ResolvedCommand, args: string[], ms: number, reply: string, wrote: boolean, line: number): void {
    const node = this.node;
    const isEval = r.spec.name.startsWith('eval');
    let name = args[1] as string;
    if (r.spec.name === 'eval' || r.spec.name === 'eval_ro') name = scriptSha(name);
    const now = node.clock.now();
    const busy: BusyScript = {
      client: c,
      isEval,
      name,
      start: now,
      end: now + ms,
      wrote,
      args: args.slice(),
      line,
      timedOut: false,
      thresholdTimer: undefined,
    };
    this.busy = busy;
    const threshold = node.config.getInt('busy-reply-threshold');
    if (threshold < ms) {
      busy.thresholdTimer = node.clock.setTimer(now + threshold, () => {
        busy.thresholdTimer = undefined;
        busy.timedOut = true;
        this.faults.netChanged();
      });
    }
    c.blockRequest = {
      keys: [],
      timeoutAt: busy.end,
      onTimeout: (cl) => {
        this.finish(busy);
        cl.reply.raw(reply);
      },
      args,
    };
    node.blocking.block(c, args);
    c.blockRequest = undefined;
    this.faults.updateHooks();
    this.faults.netChanged();
  }

  /**
   * A real script ended its first slice and goes on in slices: the node is busy with it as with
   * a simulated one (held, then BUSY past the threshold on the node's clock) until endReal().
   */
  startReal(script: RealScript): void {
    const node = this.node;
    const now = node.clock.now();
    const busy: BusyScript = {
      client: script.client,
      isEval: script.isEval,
      name: script.name,
      start: now,
      end: Number.POSITIVE_INFINITY,
      get wrote() {
        return script.wrote();
      },
      args: script.args,
      get line() {
        return script.line();
      },
      timedOut: false,
      thresholdTimer: undefined,
      real: script,
    };
    this.busy = busy;
    const threshold = node.config.getInt('busy-reply-threshold');
    if (threshold <= 0) busy.timedOut = true;
    else {
      busy.thresholdTimer = node.clock.setTimer(now + threshold, () => {
        busy.thresholdTimer = undefined;
        busy.timedOut = true;
        this.faults.netChanged();
      });
    }
    this.faults.updateHooks();
    this.faults.netChanged();
  }

  /** The real script of `client` ended (its reply is written): the node serves everyone again. */
  endReal(client: Client): void {
    const b = this.busy;
    if (b?.real && b.client === client) this.finish(b);
  }

  private finish(busy: BusyScript): void {
    if (this.busy !== busy) return;
    this.busy = undefined;
    this.node.clock.clearTimer(busy.thresholdTimer);
    this.faults.updateHooks();
    // Commands that waited run after the reply is written (the gate drains on the next tick).
    queueMicrotask(() => this.faults.netChanged());
  }

  /** Dispatch's busy check (processCommand's): the BUSY error text, or false. */
  reject(c: Client, r: ResolvedCommand, args: string[]): string | false {
    const b = this.busy;
    if (!b?.timedOut || c === b.client || r.spec.group === 'sim') return false;
    const err = b.isEval ? SLOW_EVAL_ERR : SLOW_FUNCTION_ERR;
    if (!r.spec.flags.includes('allow_busy')) return err;
    if (r.spec.name === 'shutdown' && !args.some((a, i) => i > 0 && a.toLowerCase() === 'nosave')) return err;
    if (r.fullname === 'function|stats' && b.isEval) return err;
    return false;
  }

  /** SCRIPT KILL (isEval) / FUNCTION KILL of the simulated script; false when none runs. */
  kill(c: Client, isEval: boolean): boolean {
    const b = this.busy;
    if (!b) return false;
    if (b.wrote) c.reply.error(UNKILLABLE);
    else if (isEval && !b.isEval) c.reply.error(SLOW_FUNCTION_ERR);
    else if (!isEval && b.isEval) c.reply.error(SLOW_EVAL_ERR);
    else if (b.real) {
      // The script raises the kill error in its next slice; its end releases the node.
      b.real.kill();
      c.reply.ok();
    } else {
      this.finish(b);
      const where = b.isEval ? '@user_script' : '@user_function';
      this.node.blocking.unblock(b.client, `ERR Script killed by user with SCRIPT KILL... script: ${b.name}, on ${where}:${b.line}.`);
      c.reply.ok();
    }
    return true;
  }

  /**
   * FUNCTION STATS's running_script while a simulated slow function runs: its name, the command
   * that called it and how long it has run on the node's clock; undefined otherwise (an EVAL
   * makes FUNCTION STATS answer BUSY instead, see reject()).
   */
  runningFunction(): { name: string; args: readonly string[]; durationMs: number } | undefined {
    const b = this.busy;
    if (!b || b.isEval) return undefined;
    return { name: b.name, args: b.args, durationMs: Math.floor(this.node.clock.now() - b.start) };
  }

  /** The node stops (kill, SHUTDOWN): the script is gone with it. */
  abort(): void {
    const b = this.busy;
    if (!b) return;
    this.busy = undefined;
    b.real?.abort();
    this.node.clock.clearTimer(b.thresholdTimer);
    this.faults.updateHooks();
    this.faults.netChanged();
  }
}

/** A script's SHA1, as EVAL names it in errors. */
function scriptSha(body: string): string {
  return createHash('sha1').update(Buffer.from(body, 'latin1')).digest('hex');
}
