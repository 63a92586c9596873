/**
 * Scripting commands: EVAL EVALSHA EVAL_RO EVALSHA_RO and SCRIPT LOAD|EXISTS|FLUSH|KILL|DEBUG|HELP.
 *
 * The Lua engine (src/scripting/) loads on the first script, with a dynamic import(): the
 * client that sent that first script waits (blocked, with no keys) until the engine is loaded,
 * then its script runs and it resumes. Where a client cannot wait (inside MULTI/EXEC, or an
 * in-process `sim.command()`), a script sent before the engine has loaded gets an error asking
 * to retry; `loadScriptingEngine()` preloads it.
 */

import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { replyCommandError } from '../engine/dispatch.js';
import { NOT_INTEGER, RedisError } from '../engine/errors.js';
import { faultsOf } from '../faults/faults.js';
import { parseInteger } from '../protocol/numbers.js';
import { withScriptFlags } from '../scripting/flags.js';

type EngineModule = typeof import('../scripting/engine.js');

let engineModule: EngineModule | undefined;
let loading: Promise<EngineModule> | undefined;

/** Loads the Lua engine (once); resolves when scripts can run synchronously. */
export function loadScriptingEngine(): Promise<EngineModule> {
  if (!loading) {
    loading = import('../scripting/engine.js').then((m) => {
      engineModule = m;
      return m;
    });
  }
  return loading;
}

/** The engine module if loaded. */
export function scriptingModule(): EngineModule | undefined {
  return engineModule;
}

/**
 * Runs `fn` with a module loaded on first use: at once when `loaded` is there, otherwise after
 * `load()` resolves while `c` waits (blocked, with no keys). A client that cannot wait (inside
 * MULTI/EXEC or a script, or in-process) gets an error asking it to retry.
 */
export function whenLoaded<M>(c: Client, loaded: M | undefined, load: () => Promise<M>, fn: (m: M) => void): void {
  if (loaded) {
    fn(loaded);
    return;
  }
  const p = load();
  if (c.noBlock || !c.transport) {
    throw new RedisError('ERR the scripting engine is loading, retry the command (preload it with loadScriptingEngine())');
  }
  let mod: M | undefined;
  let failure: unknown;
  const onLoaded = (): void => {
    // The command was counted in commandstats when it blocked; an error it replies now makes it a
    // failed call, as it would have been had the engine been there. It runs outside call(), from
    // a promise: whatever it throws is answered here as call() would, never left to escape.
    const errorsBefore = c.reply.errors;
    try {
      if (failure !== undefined) throw failure;
      fn(mod as M);
    } catch (e) {
      replyCommandError(c.node, c, c.lastCommand, e);
    }
    if (c.reply.errors > errorsBefore) c.node.stats.command(c.lastCommand).failedCalls++;
  };
  c.block({ keys: [], timeoutAt: 0, onTimeout: onLoaded });
  const resume = (): void => {
    if (c.closed || !c.blocked) return;
    const args = c.blocked.args;
    const dirty = c.node.stats.dirty;
    try {
      c.node.blocking.unblock(c);
    } catch (e) {
      c.node.log('warning', `internal error resuming ${c.lastCommand}: ${(e as Error)?.stack ?? e}`);
    } finally {
      c.node.propagation.ranLater(c, args, dirty);
      // The script ran now: its effects are an execution unit of their own.
      c.node.propagation.flush();
      c.node.afterCommand();
      c.node.flushAll();
    }
  };
  p.then(
    (m) => {
      mod = m;
      resume();
    },
    (e: unknown) => {
      // The module failed to load (it never does in a working install): the waiting client gets
      // the error instead of waiting forever.
      failure = e ?? new Error('module failed to load');
      resume();
    },
  );
}

/** Runs `fn` with the engine: at once when loaded, otherwise after loading it while `c` waits. */
export function withEngine(c: Client, fn: (m: EngineModule) => void): void {
  whenLoaded(c, engineModule, loadScriptingEngine, fn);
}

/** Parses numkeys as Redis's evalGenericCommand; returns [keys, args]. */
export function splitKeys(args: string[], from: number): [string[], string[]] {
  const n = parseInteger(args[from] as string);
  if (n === null) throw new RedisError(NOT_INTEGER);
  if (n > args.length - from - 1) throw new RedisError("ERR Number of keys can't be greater than number of args");
  if (n < 0) throw new RedisError("ERR Number of keys can't be negative");
  return [args.slice(from + 1, from + 1 + n), args.slice(from + 1 + n)];
}

/** Key positions of EVAL-like commands: numkeys at `from`, keys after it. */
export function numkeysPositions(from: number): (args: string[]) => number[] {
  return (args) => {
    const n = Number(args[from]);
    if (!Number.isInteger(n) || n <= 0) return [];
    const out: number[] = [];
    for (let i = 0; i < n && from + 1 + i < args.length; i++) out.push(from + 1 + i);
    return out;
  };
}

function evalGeneric(c: Client, args: string[], bySha: boolean, readOnly: boolean): void {
  // EVAL* are flagged skip_monitor: as Redis's evalCommand, feed MONITOR here, before anything
  // (even a bad numkeys or NOSCRIPT), so the script's own commands appear after it.
  if (c.node.monitors.size > 0) c.node.feedMonitors(c, args);
  const body = args[1] as string;
  // EVALSHA with a SHA that is not 40 characters long is NOSCRIPT before anything else; then
  // numkeys is checked, then the script is looked up or compiled (evalShaCommand's order).
  if (bySha && body.length !== 40) {
    c.reply.error('NOSCRIPT No matching script. Please use EVAL.');
    return;
  }
  const [keys, argv] = splitKeys(args, 2);
  if (bySha && !engineModule) {
    // No engine yet means an empty script cache: NOSCRIPT at once (even inside MULTI), and the
    // engine starts loading for the EVAL that usually follows.
    void loadScriptingEngine();
    c.reply.error('NOSCRIPT No matching script. Please use EVAL.');
    return;
  }
  withEngine(c, (m) => {
    const engine = m.engineOf(c.node);
    let sha: string;
    let script: ReturnType<typeof engine.compile> | undefined;
    try {
      if (bySha) {
        sha = body.toLowerCase();
        script = engine.scripts.get(sha);
        if (!script) {
          c.reply.error('NOSCRIPT No matching script. Please use EVAL.');
          return;
        }
      } else {
        sha = m.sha1hex(body);
        script = engine.compile(body, sha);
      }
    } catch (e) {
      if (e instanceof RedisError) {
        c.reply.error(e.message);
        return;
      }
      throw e;
    }
    engine.run(c, script.fn, keys, argv, {
      funcname: sha,
      source: '@user_script',
      chunk: 'user_script',
      readOnly: readOnly || script.readOnly,
      argv: args,
    });
  });
}

const SCRIPT_HELP = [
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
];

/** Redis's addReplyHelp: a header, the lines, then HELP; every line a status reply. */
export function replyHelpLines(c: Client, command: string, lines: readonly string[]): void {
  c.reply.arrayLen(lines.length + 3);
  c.reply.simple(`${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) c.reply.simple(l);
  c.reply.simple('HELP');
  c.reply.simple('    Prints this help.');
}

function scriptLoad(c: Client, args: string[]): void {
  const body = args[2] as string;
  withEngine(c, (m) => {
    try {
      const sha = m.sha1hex(body);
      m.engineOf(c.node).compile(body, sha);
      c.reply.bulk(sha);
    } catch (e) {
      if (e instanceof RedisError) c.reply.error(e.message);
      else throw e;
    }
  });
}

function scriptExists(c: Client, args: string[]): void {
  const engine = engineModule?.engineOf(c.node);
  c.reply.arrayLen(args.length - 2);
  for (let i = 2; i < args.length; i++) c.reply.int(engine?.scripts.has((args[i] as string).toLowerCase()) ? 1 : 0);
}

function scriptFlush(c: Client, args: string[]): void {
  if (args.length > 3) throw new RedisError('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
  if (args.length === 3) {
    const mode = (args[2] as string).toLowerCase();
    if (mode !== 'sync' && mode !== 'async') throw new RedisError('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
  }
  // A new Lua state, as Redis's scriptingReset: the cache and every global change are gone.
  engineModule?.resetEngine(c.node);
  c.reply.ok();
}

function scriptKill(c: Client): void {
  // The script running now, in slices (scripting/engine.ts) or simulated (faults/slow-script.ts).
  if (faultsOf(c.node).scripts.kill(c, true)) return;
  c.reply.error('NOTBUSY No scripts in execution right now.');
}

function scriptDebug(c: Client, args: string[]): void {
  const mode = (args[2] as string).toLowerCase();
  if (mode === 'no') {
    c.reply.ok();
    return;
  }
  if (mode === 'yes' || mode === 'sync') throw new RedisError('ERR redis-sim does not support the Lua debugger');
  throw new RedisError('ERR Use SCRIPT DEBUG YES/SYNC/NO');
}

const evalBase = {
  arity: -3,
  group: 'scripting',
  acl: ['slow', 'scripting'],
  firstKey: 0,
  lastKey: 0,
  keyStep: 0,
  getKeys: numkeysPositions(2),
} as const;

const sub = (
  name: string,
  arity: number,
  flags: CommandSpec['flags'],
  since: string,
  handler: CommandSpec['handler'],
  extra: Partial<CommandSpec> = {},
): CommandSpec => ({
  name,
  arity,
  flags,
  group: 'scripting',
  since,
  acl: ['slow', 'scripting'],
  handler,
  ...extra,
});

export const scriptingCommands: CommandSpec[] = [
  withScriptFlags({
    ...evalBase,
    name: 'eval',
    since: '2.6.0',
    flags: ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'],
    summary: 'Execute a Lua script server side',
    handler: (c, a) => evalGeneric(c, a, false, false),
  }),
  withScriptFlags({
    ...evalBase,
    name: 'evalsha',
    since: '2.6.0',
    flags: ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'],
    summary: 'Execute a Lua script server side',
    handler: (c, a) => evalGeneric(c, a, true, false),
  }),
  withScriptFlags({
    ...evalBase,
    name: 'eval_ro',
    since: '7.0.0',
    flags: ['readonly', 'noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'],
    summary: 'Execute a read-only Lua script server side',
    handler: (c, a) => evalGeneric(c, a, false, true),
  }),
  withScriptFlags({
    ...evalBase,
    name: 'evalsha_ro',
    since: '7.0.0',
    flags: ['readonly', 'noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'],
    summary: 'Execute a read-only Lua script server side',
    handler: (c, a) => evalGeneric(c, a, true, true),
  }),
  {
    name: 'script',
    arity: -2,
    flags: [],
    group: 'scripting',
    since: '2.6.0',
    acl: ['slow'],
    summary: 'A container for Lua scripts management commands',
    subcommands: [
      sub('debug', 3, ['noscript'], '3.2.0', scriptDebug),
      sub('exists', -3, ['noscript'], '2.6.0', scriptExists, { tips: ['request_policy:all_shards', 'response_policy:agg_logical_and'] }),
      sub('flush', -2, ['noscript'], '2.6.0', scriptFlush, { tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'] }),
      sub('help', 2, ['loading', 'stale'], '5.0.0', (c) => replyHelpLines(c, 'SCRIPT', SCRIPT_HELP)),
      sub('kill', 2, ['noscript', 'allow_busy'], '2.6.0', scriptKill, {
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
      }),
      sub('load', 3, ['noscript', 'stale'], '2.6.0', scriptLoad, { tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'] }),
    ],
  },
];
