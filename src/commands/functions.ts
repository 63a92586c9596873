/**
 * Redis 7 functions: FUNCTION LOAD [REPLACE] | LIST [LIBRARYNAME pattern] [WITHCODE] | DELETE |
 * FLUSH [ASYNC|SYNC] | DUMP | RESTORE payload [FLUSH|APPEND|REPLACE] | STATS | KILL | HELP,
 * and FCALL / FCALL_RO. The Lua engine loads on first use, as for EVAL (see scripting.ts).
 */

import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError } from '../engine/errors.js';
import { globMatch } from '../engine/glob.js';
import { faultsOf } from '../faults/faults.js';
import { parseInteger } from '../protocol/numbers.js';
import { withScriptFlags } from '../scripting/flags.js';
import { loadScriptingEngine, numkeysPositions, replyHelpLines, whenLoaded } from './scripting.js';

type FunctionsModule = typeof import('../scripting/functions.js');

let fmod: FunctionsModule | undefined;

/** Loads the Lua engine and the functions module (once). */
export async function loadFunctions(): Promise<FunctionsModule> {
  await loadScriptingEngine();
  fmod = await import('../scripting/functions.js');
  return fmod;
}

/** Runs `fn` with the functions module; the first time, `c` waits while it loads. */
function ensure(c: Client, fn: (m: FunctionsModule) => void): void {
  whenLoaded(c, fmod, loadFunctions, fn);
}

function fcall(c: Client, args: string[], ro: boolean): void {
  // FCALL* are flagged skip_monitor: fed to MONITOR here, first, as Redis's fcallCommandGeneric.
  if (c.node.monitors.size > 0) c.node.feedMonitors(c, args);
  // Before the first FUNCTION LOAD there is no function to call.
  if (!fmod) {
    void loadFunctions();
    throw new RedisError('ERR Function not found');
  }
  ensure(c, (m) => {
    try {
      // The function is looked up first, then numkeys is checked (fcallCommandGeneric's order).
      const engine = m.functionsOf(c.node);
      if (!engine.functions.has((args[1] as string).toLowerCase())) throw new RedisError('ERR Function not found');
      const n = parseInteger(args[2] as string);
      if (n === null) throw new RedisError('ERR Bad number of keys provided');
      if (n > args.length - 3) throw new RedisError("ERR Number of keys can't be greater than number of args");
      if (n < 0) throw new RedisError("ERR Number of keys can't be negative");
      engine.call(c, args[1] as string, args.slice(3, 3 + n), args.slice(3 + n), ro, args);
    } catch (e) {
      if (e instanceof RedisError) c.reply.error(e.message);
      else throw e;
    }
  });
}

function guarded(c: Client, body: () => void): void {
  try {
    body();
  } catch (e) {
    if (e instanceof RedisError) c.reply.error(e.message);
    else throw e;
  }
}

function functionLoad(c: Client, args: string[]): void {
  let replace = false;
  let i = 2;
  if (args.length > 3) {
    if ((args[2] as string).toLowerCase() !== 'replace') throw new RedisError(`ERR Unknown option given: ${args[2]}`);
    replace = true;
    i = 3;
    if (args.length > 4) throw new RedisError(`ERR Unknown option given: ${args[3]}`);
  }
  const code = args[i] as string;
  ensure(c, (m) =>
    guarded(c, () => {
      c.reply.bulk(m.functionsOf(c.node).load(code, replace));
      c.node.stats.dirty++; // replicated, and counted as a change
    }),
  );
}

function functionList(c: Client, args: string[]): void {
  let pattern: string | undefined;
  let withCode = false;
  for (let i = 2; i < args.length; i++) {
    const a = (args[i] as string).toLowerCase();
    if (a === 'withcode' && !withCode) withCode = true;
    else if (a === 'libraryname' && pattern === undefined) {
      if (i + 1 >= args.length) throw new RedisError('ERR library name argument was not given');
      pattern = args[++i] as string;
    } else throw new RedisError(`ERR Unknown argument ${args[i]}`);
  }
  const libs = fmod ? [...fmod.functionsOf(c.node).libraries.values()] : [];
  // LIBRARYNAME is a glob matched without case (functionListCommand's stringmatchlen(..., 1)).
  const shown = pattern === undefined ? libs : libs.filter((l) => globMatch(pattern as string, l.name, true));
  c.reply.arrayLen(shown.length);
  for (const lib of shown) {
    c.reply.mapLen(withCode ? 4 : 3);
    c.reply.bulk('library_name');
    c.reply.bulk(lib.name);
    c.reply.bulk('engine');
    c.reply.bulk('LUA');
    c.reply.bulk('functions');
    c.reply.arrayLen(lib.functions.size);
    for (const f of lib.functions.values()) {
      c.reply.mapLen(3);
      c.reply.bulk('name');
      c.reply.bulk(f.name);
      c.reply.bulk('description');
      c.reply.bulkOrNil(f.description);
      c.reply.bulk('flags');
      c.reply.setLen(f.flags.length);
      for (const fl of f.flags) c.reply.simple(fl);
    }
    if (withCode) {
      c.reply.bulk('library_code');
      c.reply.bulk(lib.code);
    }
  }
}

function functionDelete(c: Client, args: string[]): void {
  const engine = fmod?.functionsOf(c.node);
  const lib = engine?.libraries.get(args[2] as string);
  if (!engine || !lib) throw new RedisError('ERR Library not found');
  engine.removeLibrary(lib);
  c.node.stats.dirty++;
  c.reply.ok();
}

function functionFlush(c: Client, args: string[]): void {
  if (args.length > 3) throw new RedisError('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
  if (args.length === 3) {
    const mode = (args[2] as string).toLowerCase();
    if (mode !== 'sync' && mode !== 'async') throw new RedisError('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
  }
  fmod?.functionsOf(c.node).flush();
  c.node.stats.dirty++;
  c.reply.ok();
}

function functionDump(c: Client): void {
  ensure(c, (m) => c.reply.bulk(m.dumpLibraries(m.functionsOf(c.node).libraries.values())));
}

function functionRestore(c: Client, args: string[]): void {
  let policy = 'append';
  if (args.length > 4) throw new RedisError('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
  if (args.length === 4) {
    policy = (args[3] as string).toLowerCase();
    if (policy !== 'flush' && policy !== 'append' && policy !== 'replace') {
      throw new RedisError('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
    }
  }
  const payload = args[2] as string;
  ensure(c, (m) =>
    guarded(c, () => {
      const codes = m.parseDump(payload);
      if (codes === null) throw new RedisError('ERR DUMP payload version or checksum are wrong');
      const engine = m.functionsOf(c.node);
      // Load into a scratch engine first, so a failure leaves the libraries untouched.
      const saved = [...engine.libraries.values()];
      if (policy === 'flush') engine.flush();
      try {
        for (const code of codes) {
          try {
            engine.load(code, policy === 'replace');
          } catch (e) {
            if (e instanceof RedisError && policy === 'append' && /already exists/.test(e.message)) {
              const name = /Library '(.*)' already exists/.exec(e.message)?.[1];
              throw new RedisError(name ? `ERR Library ${name} already exists` : e.message);
            }
            throw e;
          }
        }
      } catch (e) {
        engine.flush();
        for (const lib of saved) engine.addLibrary(lib);
        throw e;
      }
      c.node.stats.dirty++;
      c.reply.ok();
    }),
  );
}

/** FUNCTION KILL: of the function running now, in slices or simulated (faults/slow-script.ts). */
function functionKill(c: Client): void {
  if (faultsOf(c.node).scripts.kill(c, false)) return;
  c.reply.error('NOTBUSY No scripts in execution right now.');
}

function functionStats(c: Client): void {
  const engine = fmod?.functionsOf(c.node);
  let fns = 0;
  for (const lib of engine?.libraries.values() ?? []) fns += lib.functions.size;
  c.reply.mapLen(2);
  c.reply.bulk('running_script');
  // While a (simulated slow) function runs: its name, the calling command, its duration so far.
  const running = faultsOf(c.node).scripts.runningFunction();
  if (running) {
    c.reply.mapLen(3);
    c.reply.bulk('name');
    c.reply.bulk(running.name);
    c.reply.bulk('command');
    c.reply.arrayLen(running.args.length);
    for (const a of running.args) c.reply.bulk(a);
    c.reply.bulk('duration_ms');
    c.reply.int(running.durationMs);
  } else c.reply.nil();
  c.reply.bulk('engines');
  c.reply.mapLen(1);
  c.reply.bulk('LUA');
  c.reply.mapLen(2);
  c.reply.bulk('libraries_count');
  c.reply.int(engine?.libraries.size ?? 0);
  c.reply.bulk('functions_count');
  c.reply.int(fns);
}

const FUNCTION_HELP = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
];

const sub = (
  name: string,
  arity: number,
  flags: CommandSpec['flags'],
  handler: CommandSpec['handler'],
  extra: Partial<CommandSpec> = {},
): CommandSpec => ({
  name,
  arity,
  flags,
  group: 'scripting',
  since: '7.0.0',
  acl: flags.includes('write') ? ['write', 'slow', 'scripting'] : ['slow', 'scripting'],
  handler,
  ...extra,
});

const fcallBase = {
  arity: -3,
  group: 'scripting',
  since: '7.0.0',
  acl: ['slow', 'scripting'],
  firstKey: 0,
  lastKey: 0,
  keyStep: 0,
  getKeys: numkeysPositions(2),
} as const;

export const functionCommands: CommandSpec[] = [
  withScriptFlags({
    ...fcallBase,
    name: 'fcall',
    flags: ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'],
    summary: 'Invoke a function',
    handler: (c, a) => fcall(c, a, false),
  }),
  withScriptFlags({
    ...fcallBase,
    name: 'fcall_ro',
    flags: ['readonly', 'noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'],
    summary: 'Invoke a read-only function',
    handler: (c, a) => fcall(c, a, true),
  }),
  {
    name: 'function',
    arity: -2,
    flags: [],
    group: 'scripting',
    since: '7.0.0',
    acl: ['slow'],
    summary: 'A container for function commands',
    subcommands: [
      sub('delete', 3, ['write', 'noscript'], functionDelete, { tips: ['request_policy:all_shards', 'response_policy:all_succeeded'] }),
      sub('dump', 2, ['noscript'], functionDump),
      sub('flush', -2, ['write', 'noscript'], functionFlush, { tips: ['request_policy:all_shards', 'response_policy:all_succeeded'] }),
      sub('help', 2, ['loading', 'stale'], (c) => replyHelpLines(c, 'FUNCTION', FUNCTION_HELP)),
      sub('kill', 2, ['noscript', 'allow_busy'], functionKill, {
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
      }),
      sub('list', -2, ['noscript'], functionList, { tips: ['nondeterministic_output_order'] }),
      sub('load', -3, ['write', 'denyoom', 'noscript'], functionLoad, {
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
      }),
      sub('restore', -3, ['write', 'denyoom', 'noscript'], functionRestore, {
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
      }),
      sub('stats', 2, ['noscript', 'allow_busy'], functionStats, {
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
      }),
    ],
  },
];
