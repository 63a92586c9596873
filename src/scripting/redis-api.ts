/**
 * The `redis` table scripts see: call pcall log setresp set_repl replicate_commands sha1hex
 * error_reply status_reply acl_check_cmd breakpoint debug, the LOG_* and REPL_* constants and
 * REDIS_VERSION / REDIS_VERSION_NUM.
 *
 * redis.call/pcall run a command through the script's fake client, with the checks of Redis
 * 7.0's scriptCall in its order: unknown command, arity, noscript flag, writes from read-only
 * scripts, then OOM (scriptVerifyOOM: a denyoom command before the script's first write, when its
 * command started out of memory, unless the script declared allow-oom). Their error texts are
 * Redis's ("Unknown Redis command called from script", ...); each counts in INFO errorstats and
 * in the refused command's rejected_calls.
 * redis.call raises an error table {err=...}; redis.pcall returns it.
 */

import { createHash } from 'node:crypto';
import { aclDenyScriptCall } from '../acl/enforce.js';
import { ACL_OK, checkCommand } from '../acl/permissions.js';
import { userOf } from '../acl/store.js';
import { aclTable } from '../acl/table.js';
import type { Client } from '../engine/client.js';
import { arityOk, call, resolveCommand } from '../engine/dispatch.js';
import { OOM_ERROR } from '../engine/eviction.js';
import type { RedisNode } from '../engine/node.js';
import { parseReply, RespError } from '../protocol/reply-parser.js';
import { commandErrorTable, errorTable, replyToLua } from './conversions.js';
import { noscriptAllowed } from './flags.js';
import { cFormatG } from './lua/cformat.js';
import { libTable } from './lua/lib-util.js';
import { EMPTY, LuaError, type LuaFunction, LuaTable, type LuaValue, nanSign, S, tonum } from './lua/runtime.js';

/** The state of the script being run (one at a time per node). */
export interface RunContext {
  caller: Client;
  fake: Client;
  readOnly: boolean;
  /** "script: <name>" in error messages: the SHA1 for EVAL, the function name for FCALL. */
  funcname: string;
  /** Source for "on <source>:<line>.": "@user_script" or "@user_function". */
  source: string;
  /** Declared allow-oom: any command runs even out of memory (SCRIPT_ALLOW_OOM). */
  allowOom: boolean;
  /** A write command has been let through (SCRIPT_WRITE_DIRTY): OOM no longer stops the script. */
  writeDirty: boolean;
  /** The keys the script declared (client-side caching remembers them for a tracking caller). */
  keys: string[];
}

export function sha1hex(s: string): string {
  return createHash('sha1').update(s, 'latin1').digest('hex');
}

/** Raises Redis's error table {err="ERR <msg>"} (luaPushError + luaError). */
function raise(msg: string): never {
  throw new LuaError(errorTable(msg), S.L);
}

/** snprintf("%.17g"): how Redis passes a Lua number to a command. */
export function formatArg(d: number): string {
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  if (Number.isNaN(d)) return nanSign(d) ? '-nan' : 'nan';
  return cFormatG(d, 17, false);
}

const LOG_LEVELS = ['debug', 'verbose', 'notice', 'warning'] as const;

function versionNum(v: string): number {
  const [a = 0, b = 0, c = 0] = v.split('.').map((x) => Number.parseInt(x, 10) || 0);
  return (a << 16) | (b << 8) | c;
}

export function createRedisTable(node: RedisNode, running: () => RunContext | undefined): LuaTable {
  const command = (raiseError: boolean, a: LuaValue[]): LuaValue[] => {
    const ctx = running();
    if (!ctx) return raise('redis.call/pcall can only be called inside a script invocation');
    // `raw` is "msg" (code ERR) or "-CODE msg". scriptCall's rejections (`rejected`: the
    // command's full name, or '' for an unknown command) count in errorstats at once, like a
    // command's error reply, and in the command's rejected_calls (incrCommandStatsOnError).
    const fail = (raw: string, rejected?: string): LuaValue[] => {
      const t = errorTable(raw);
      if (rejected !== undefined) {
        node.stats.error(t.getStr('err') as string);
        if (rejected !== '') node.stats.command(rejected).rejectedCalls++;
        t.set('ignore_error_stats_update', true);
      }
      if (raiseError) throw new LuaError(t, S.L);
      return [t];
    };
    if (a.length === 0) return fail('Please specify at least one argument for this redis lib call');
    const args: string[] = new Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v === 'string') args[i] = v;
      else if (typeof v === 'number') args[i] = formatArg(v);
      else return fail('Lua redis lib command arguments must be strings or integers');
    }
    const r = resolveCommand(node, args);
    if (typeof r === 'string') return fail('Unknown Redis command called from script', '');
    const name = r.fullname;
    if (!arityOk(r.spec, args.length)) return fail('Wrong number of args calling Redis command from script', name);
    const flags = r.spec.flags;
    if (flags.includes('noscript') && !noscriptAllowed(node)) return fail('This Redis command is not allowed from script', name);
    // scriptVerifyACL: the script runs with its caller's user.
    if (ctx.caller.user.restricted) {
      const denied = aclDenyScriptCall(ctx.caller, r, args);
      if (denied !== undefined) return fail(denied, name);
    }
    if (ctx.readOnly && (flags.includes('write') || flags.includes('may_replicate'))) {
      return fail('Write commands are not allowed from read-only scripts.', name);
    }
    // scriptVerifyWriteCommandAllow: until the script has written, a write is refused on a
    // read-only replica (READONLY) or without enough good replicas (NOREPLICAS: scripts that
    // declared no flags reach this; shebang scripts are refused before they run).
    if (flags.includes('write') && !ctx.writeDirty && node.replication) {
      const refused = node.replication.scriptWriteRefusal(ctx.caller);
      if (refused !== undefined) return fail(`-${refused}`, name);
    }
    // scriptVerifyOOM: when the script's command started out of memory (pre_command_oom_state),
    // a denyoom command is refused until the script has let a write command through (then it
    // cannot stop in the middle); allow-oom scripts run anything. Non-denyoom commands (GET,
    // DEL) always pass, and a write among them (DEL) lifts the rule for the rest of the script.
    const ev = node.eviction;
    if (!ctx.allowOom && ev.limit > 0 && !ctx.writeDirty && ev.preCommandOomState && flags.includes('denyoom')) {
      return fail(`-${OOM_ERROR}`, name);
    }
    if (flags.includes('write')) ctx.writeDirty = true;
    const fake = ctx.fake;
    fake.reply.out = '';
    call(node, fake, r, args);
    // Redis 7.0: a read-only command run by a script makes a tracking caller remember the keys
    // the script declared (not the command's own keys).
    if (node.tracking.clients > 0 && ctx.caller.tracking && flags.includes('readonly')) node.tracking.rememberKeyList(ctx.caller, ctx.keys);
    const out = fake.reply.take();
    const parsed = parseReply(out);
    if (!parsed) return fail('Unexpected reply from command');
    const v = parsed[0];
    if (v instanceof RespError) {
      const t = commandErrorTable(`-${v.message}`);
      if (raiseError) throw new LuaError(t, S.L);
      return [t];
    }
    return [replyToLua(v, fake.resp)];
  };

  const single = (field: string, v: LuaValue): LuaTable => {
    const t = new LuaTable();
    t.set(field, v);
    return t;
  };

  const redis = libTable({
    call: (...a) => command(true, a),
    pcall: (...a) => command(false, a),
    log: (...a) => {
      if (a.length < 2) raise('redis.log() requires two arguments or more.');
      const level = tonum(a[0]);
      if (level === undefined) raise('First argument must be a number (log level).');
      const lv = Math.trunc(level as number);
      if (lv < 0 || lv > 3) raise('Invalid debug level.');
      const parts: string[] = [];
      for (let i = 1; i < a.length; i++) {
        const v = a[i];
        if (typeof v === 'string') parts.push(v);
        else if (typeof v === 'number') parts.push(String(v));
      }
      node.log(LOG_LEVELS[lv] as (typeof LOG_LEVELS)[number], parts.join(' '));
      return EMPTY;
    },
    setresp: (...a) => {
      const ctx = running();
      if (!ctx) raise('redis.setresp can only be called inside a script invocation');
      if (a.length !== 1) raise('redis.setresp() requires one argument.');
      const resp = Math.trunc(tonum(a[0]) ?? 0);
      if (resp !== 2 && resp !== 3) raise('RESP version must be 2 or 3.');
      (ctx as RunContext).fake.resp = resp as 2 | 3;
      return EMPTY;
    },
    set_repl: (...a) => {
      if (!running()) raise('redis.set_repl can only be called inside a script invocation');
      if (a.length !== 1) raise('redis.set_repl() requires two arguments.');
      const flags = Math.trunc(tonum(a[0]) ?? 0);
      if ((flags & ~3) !== 0) raise('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
      return EMPTY;
    },
    replicate_commands: () => [true],
    sha1hex: (...a) => {
      if (a.length !== 1) raise('wrong number of arguments');
      const v = a[0];
      const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
      return [sha1hex(s)];
    },
    error_reply: (...a) => {
      const v = a[0];
      if (a.length !== 1 || typeof v !== 'string') return [errorTable('wrong number or type of arguments')];
      return [errorTable(v.startsWith('-') ? v : `-${v}`)];
    },
    status_reply: (...a) => {
      const v = a[0];
      if (a.length !== 1 || typeof v !== 'string') return [errorTable('wrong number or type of arguments')];
      return [single('ok', v)];
    },
    acl_check_cmd: (...a) => {
      if (a.length === 0) raise('Please specify at least one argument for this redis lib call');
      const args = a.map((v) => (typeof v === 'number' ? formatArg(v) : String(v)));
      const r = resolveCommand(node, args);
      if (typeof r === 'string') raise('Invalid command passed to redis.acl_check_cmd()');
      const ctx = running();
      if (!ctx?.caller.user.restricted) return [true];
      const user = userOf(ctx.caller);
      const cmd = aclTable(node).bySpec.get((r as Exclude<typeof r, string>).spec);
      return [cmd === undefined || checkCommand(user, cmd, args).result === ACL_OK];
    },
    breakpoint: () => [false],
    debug: () => EMPTY,
  } satisfies Record<string, LuaFunction>);
  redis.set('LOG_DEBUG', 0);
  redis.set('LOG_VERBOSE', 1);
  redis.set('LOG_NOTICE', 2);
  redis.set('LOG_WARNING', 3);
  redis.set('REPL_NONE', 0);
  redis.set('REPL_AOF', 1);
  redis.set('REPL_SLAVE', 2);
  redis.set('REPL_REPLICA', 2);
  redis.set('REPL_ALL', 3);
  redis.set('REDIS_VERSION', node.version);
  redis.set('REDIS_VERSION_NUM', versionNum(node.version));
  return redis;
}
