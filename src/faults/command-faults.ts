/**
 * Per-command faults, applied at dispatch: a rule matches commands by name (and subcommand), a
 * key glob and the client, for the next N matching commands or always, and then
 *
 * - error: the command does not run; the client gets an error reply. The well-known codes
 *   expand to Redis 7.0's exact text (NOSCRIPT, BUSY, OOM, READONLY, LOADING, MASTERDOWN,
 *   CLUSTERDOWN, TRYAGAIN); any other text is sent as is (a first word in capitals is the code);
 * - close 'before': the connection closes without running it; 'after': it runs, its reply is
 *   dropped and the connection closes, so the client cannot tell whether the write happened;
 * - delay: the command waits that long on the node's virtual clock, then runs (the client is
 *   parked as a blocked client with no key);
 * - slow (EVAL/EVALSHA/FCALL family): the script runs now but takes that much virtual time; the
 *   node is busy meanwhile (faults/slow-script.ts).
 *
 * Commands queued inside MULTI are not matched when queued (EXEC itself can be); the control
 * command never is. Rules are tried in the order they were added; the first that matches acts.
 */
import type { Client } from '../engine/client.js';
import { keyPositions, type ResolvedCommand } from '../engine/command.js';
import { globMatch } from '../engine/glob.js';
import type { RedisNode } from '../engine/node.js';
import { type ClientSelector, describeSelector, matchesClient } from './selector.js';

/** Redis 7.0.15's texts for the error codes a test most often injects. */
export const ERROR_TEXTS: Readonly<Record<string, string>> = {
  NOSCRIPT: 'NOSCRIPT No matching script. Please use EVAL.',
  BUSY: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
  OOM: "OOM command not allowed when used memory > 'maxmemory'.",
  READONLY: "READONLY You can't write against a read only replica.",
  LOADING: 'LOADING Redis is loading the dataset in memory',
  MASTERDOWN: "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
  CLUSTERDOWN: 'CLUSTERDOWN The cluster is down',
  TRYAGAIN: 'TRYAGAIN Multiple keys request during rehashing of slot',
};

/** Expands a bare code (any case) to Redis's text; other text is kept as given. */
export function errorText(codeOrText: string): string {
  return ERROR_TEXTS[codeOrText.toUpperCase()] ?? codeOrText;
}

export type CommandFaultAction = { error: string } | { close: 'before' | 'after' } | { delay: number } | { slow: number };

export interface CommandFaultOptions {
  /** Command name, or "name|sub" / "name sub" for a subcommand (any case). Default: any command. */
  command?: string;
  /** Glob (Redis's) that one of the command's keys must match. */
  key?: string;
  /** Which clients (default: all). */
  clients?: ClientSelector;
  /** Apply to the next `times` matching commands, then remove the rule. Default: always. */
  times?: number;
}

export interface CommandFault extends Required<Pick<CommandFaultOptions, 'clients'>> {
  readonly id: number;
  readonly command: string | undefined;
  readonly key: string | undefined;
  /** Remaining matches; Infinity for always. */
  remaining: number;
  readonly action: CommandFaultAction;
}

/** Commands run again after a delay fault, so that the same rule does not delay them twice. */
const released = new WeakSet<string[]>();

export class CommandFaults {
  private rules: CommandFault[] = [];
  /** The commands whose reply must be dropped and connection closed once they ran. */
  private readonly closeAfter = new WeakSet<string[]>();
  private slowHandler: ((c: Client, r: ResolvedCommand, args: string[], ms: number) => boolean) | undefined;

  constructor(
    private readonly node: RedisNode,
    private readonly changed: () => void,
    /** Ids are shared with the node's other faults, so that one id names one fault. */
    private readonly newId: () => number,
  ) {}

  get active(): boolean {
    return this.rules.length > 0;
  }

  /** Set by the slow-script simulation: runs a matched script as a long one. */
  onSlow(fn: (c: Client, r: ResolvedCommand, args: string[], ms: number) => boolean): void {
    this.slowHandler = fn;
  }

  /** Adds a rule; returns its id. */
  add(action: CommandFaultAction, opts: CommandFaultOptions = {}): number {
    const times = opts.times ?? Number.POSITIVE_INFINITY;
    if (!(times >= 1)) throw new RangeError('times must be at least 1');
    if ('delay' in action && !(action.delay >= 0)) throw new RangeError('delay must be >= 0 ms');
    if ('slow' in action && !(action.slow >= 0)) throw new RangeError('slow must be >= 0 ms');
    const rule: CommandFault = {
      id: this.newId(),
      command: opts.command?.toLowerCase().trim().replace(/\s+/, '|'),
      key: opts.key,
      clients: opts.clients ?? { all: true },
      remaining: times,
      action: 'error' in action ? { error: errorText(action.error) } : action,
    };
    this.rules.push(rule);
    this.changed();
    return rule.id;
  }

  /** Removes one rule by id, or all; returns how many. */
  remove(id?: number): number {
    const before = this.rules.length;
    this.rules = id === undefined ? [] : this.rules.filter((r) => r.id !== id);
    const n = before - this.rules.length;
    if (n > 0) this.changed();
    return n;
  }

  clear(): void {
    this.remove();
  }

  get list(): readonly CommandFault[] {
    return this.rules;
  }

  describe(): string[] {
    return this.rules.map((r) => {
      const act =
        'error' in r.action
          ? `error ${r.action.error}`
          : 'close' in r.action
            ? `close ${r.action.close}`
            : 'delay' in r.action
              ? `delay ${r.action.delay}ms`
              : `slow ${r.action.slow}ms`;
      const times = r.remaining === Number.POSITIVE_INFINITY ? 'always' : `next ${r.remaining}`;
      return `command ${r.id} ${r.command ?? '*'} key ${r.key ?? '*'} ${describeSelector(r.clients)} ${times} ${act}`;
    });
  }

  private match(c: Client, r: ResolvedCommand, args: string[]): CommandFault | undefined {
    for (const rule of this.rules) {
      if (rule.command !== undefined) {
        const parent = r.parent ? r.parent.name : r.spec.name;
        if (rule.command !== r.fullname && rule.command !== parent) continue;
      }
      if (!matchesClient(rule.clients, c)) continue;
      if (rule.key !== undefined) {
        const pattern = rule.key;
        if (!keyPositions(r.spec, args).some((i) => globMatch(pattern, args[i] as string))) continue;
      }
      return rule;
    }
    return undefined;
  }

  private consume(rule: CommandFault): void {
    rule.remaining--;
    if (rule.remaining <= 0) this.remove(rule.id);
  }

  /** Dispatch's hook before a command: an error text, true when handled here, false to go on. */
  before(c: Client, r: ResolvedCommand, args: string[], queued: boolean): string | boolean {
    if (this.rules.length === 0 || queued || r.spec.group === 'sim' || released.has(args)) return false;
    const rule = this.match(c, r, args);
    if (!rule) return false;
    const a = rule.action;
    if ('slow' in a) {
      if (!this.slowHandler || !/^(eval|evalsha|eval_ro|evalsha_ro|fcall|fcall_ro)$/.test(r.spec.name)) return false;
      this.consume(rule);
      return this.slowHandler(c, r, args, a.slow);
    }
    this.consume(rule);
    if ('error' in a) {
      c.reply.error(a.error);
      return true;
    }
    if ('close' in a) {
      if (a.close === 'after') {
        this.closeAfter.add(args);
        return false;
      }
      c.closeAfterReply = true;
      return true;
    }
    // delay: the client is parked (a blocked client with no key) until the node's clock has moved.
    if (c.noBlock || !c.transport) return false;
    const node = this.node;
    c.blockRequest = {
      keys: [],
      timeoutAt: node.clock.now() + a.delay,
      onTimeout: (cl) => {
        released.add(args);
        node.execute(cl, args);
      },
      args,
    };
    node.blocking.block(c, args);
    c.blockRequest = undefined;
    return true;
  }

  /** Dispatch's hook after a command ran: a close-after fault drops its reply and the connection. */
  after(c: Client, _r: ResolvedCommand, args: string[], mark: number): void {
    if (!this.closeAfter.has(args)) return;
    this.closeAfter.delete(args);
    c.reply.truncate(mark);
    c.closeAfterReply = true;
  }
}
