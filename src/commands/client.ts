/**
 * CLIENT subcommands of Redis 7.0: ID SETNAME GETNAME INFO LIST KILL REPLY UNBLOCK PAUSE UNPAUSE
 * NO-EVICT HELP, and the client-side caching ones TRACKING CACHING TRACKINGINFO GETREDIR
 * (client-tracking.ts). (SETINFO and NO-TOUCH are 7.2: Redis 7.0.15 answers "unknown subcommand",
 * and so does redis-sim.)
 *
 * CLIENT LIST / INFO print Redis's line with every field. qbuf and qbuf-free follow Redis's query
 * buffer accounting (src/server/query-buffer.ts); argv-mem, multi-mem, omem and tot-mem count as
 * Redis does (engine/client-memory.ts: tot-mem drives client eviction); rbs is the reply
 * buffer's shrunk size (1024), rbp, obl and oll are 0; age and idle are seconds on the node clock.
 */
import { aclState } from '../acl/store.js';
import type { User } from '../acl/user.js';
import { intArg, is } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import { clientInfoLine, NO_EVICT } from '../engine/client-info.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError, SYNTAX } from '../engine/errors.js';
import { pauseClients, unpauseClients } from '../engine/pause.js';
import { clientCaching, clientGetredir, clientTracking, clientTrackinginfo } from './client-tracking.js';
import { replyHelp } from './config.js';
import { validClientName } from './connection.js';

type ClientType = 'normal' | 'slave' | 'pubsub' | 'master';

/** Redis's getClientTypeByName ("replica" is "slave"); undefined when unknown. */
function typeByName(name: string): ClientType | undefined {
  const l = name.toLowerCase();
  if (l === 'normal' || l === 'slave' || l === 'pubsub' || l === 'master') return l;
  if (l === 'replica') return 'slave';
  return undefined;
}

/** Redis's getClientType: monitors count as normal clients. */
export function clientType(c: Client): ClientType {
  if (c.replLink === 'replica') return 'slave';
  if (c.replLink === 'primary') return 'master';
  return c.subscriptionCount > 0 ? 'pubsub' : 'normal';
}

function id(c: Client): void {
  c.reply.int(c.id);
}

function setname(c: Client, args: string[]): void {
  const name = args[2] as string;
  if (!validClientName(name)) throw new RedisError('ERR Client names cannot contain spaces, newlines or special characters.');
  c.name = name;
  c.reply.ok();
}

function getname(c: Client): void {
  c.reply.bulkOrNil(c.name === '' ? null : c.name);
}

function info(c: Client): void {
  c.reply.verbatim(`${clientInfoLine(c)}\n`);
}

/** CLIENT LIST [TYPE type] | [ID id ...]. */
function list(c: Client, args: string[]): void {
  let out = '';
  if (args.length === 4 && is(args[2], 'TYPE')) {
    const type = typeByName(args[3] as string);
    if (!type) throw new RedisError(`ERR Unknown client type '${args[3]}'`);
    for (const cl of c.node.clients.values()) if (clientType(cl) === type) out += `${clientInfoLine(cl)}\n`;
  } else if (args.length > 3 && is(args[2], 'ID')) {
    const ids: number[] = [];
    for (let j = 3; j < args.length; j++) ids.push(intArg(args[j] as string, 'ERR Invalid client ID'));
    for (const cid of ids) {
      const cl = c.node.clients.get(cid);
      if (cl) out += `${clientInfoLine(cl)}\n`;
    }
  } else if (args.length !== 2) {
    throw new RedisError(SYNTAX);
  } else {
    for (const cl of c.node.clients.values()) out += `${clientInfoLine(cl)}\n`;
  }
  c.reply.verbatim(out);
}

/**
 * CLIENT KILL addr (old form: replies OK or "No such client", may kill the caller) or
 * CLIENT KILL [ID id] [TYPE t] [ADDR a] [LADDR a] [USER u] [SKIPME yes|no] (replies the count;
 * SKIPME defaults to yes). The caller, if it matches, is closed after its reply.
 */
function kill(c: Client, args: string[]): void {
  let addr: string | undefined;
  let laddr: string | undefined;
  let type: ClientType | undefined;
  let cid = 0;
  let skipme = true;
  let user: User | undefined;
  const oldForm = args.length === 3;
  if (oldForm) {
    addr = args[2];
    skipme = false;
  } else {
    for (let i = 2; i < args.length; i += 2) {
      const opt = (args[i] as string).toLowerCase();
      const val = args[i + 1];
      if (val === undefined) throw new RedisError(SYNTAX);
      if (opt === 'id') {
        const n = Number(val);
        if (!/^-?\d+$/.test(val) || !Number.isSafeInteger(n) || n < 1) throw new RedisError('ERR client-id should be greater than 0');
        cid = n;
      } else if (opt === 'type') {
        type = typeByName(val);
        if (!type) throw new RedisError(`ERR Unknown client type '${val}'`);
      } else if (opt === 'addr') addr = val;
      else if (opt === 'laddr') laddr = val;
      else if (opt === 'user') {
        user = aclState(c.node).users.get(val);
        if (!user) throw new RedisError(`ERR No such user '${val}'`);
      } else if (opt === 'skipme') {
        const l = val.toLowerCase();
        if (l === 'yes') skipme = true;
        else if (l === 'no') skipme = false;
        else throw new RedisError(SYNTAX);
      } else throw new RedisError(SYNTAX);
    }
  }
  let killed = 0;
  let closeSelf = false;
  for (const cl of [...c.node.clients.values()]) {
    if (addr !== undefined && cl.transport?.remoteAddress !== addr) continue;
    if (laddr !== undefined && cl.transport?.localAddress !== laddr) continue;
    if (type !== undefined && clientType(cl) !== type) continue;
    if (cid !== 0 && cl.id !== cid) continue;
    if (user !== undefined && cl.user !== user) continue;
    if (cl === c && skipme) continue;
    if (cl === c) closeSelf = true;
    else {
      // Redis frees the client at once: no more replies, its connection closes.
      c.node.removeClient(cl);
      cl.reply.take();
      cl.transport?.close();
    }
    killed++;
  }
  if (oldForm) {
    if (killed === 0) throw new RedisError('ERR No such client');
    c.reply.ok();
  } else c.reply.int(killed);
  if (closeSelf) c.closeAfterReply = true;
}

/** CLIENT REPLY ON|OFF|SKIP: OFF and SKIP send no reply themselves. */
function reply(c: Client, args: string[]): void {
  const mode = (args[2] as string).toLowerCase();
  if (mode === 'on') {
    c.replyMode = 'on';
    c.reply.ok();
  } else if (mode === 'off') c.replyMode = 'off';
  else if (mode === 'skip') {
    if (c.replyMode !== 'off') c.replyMode = 'skipnext';
  } else throw new RedisError(SYNTAX);
}

/** CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 if a blocked client was released, else 0. */
function unblock(c: Client, args: string[]): void {
  if (args.length > 4) throw subcommandSyntax(args);
  let asError = false;
  if (args.length === 4) {
    const r = (args[3] as string).toLowerCase();
    if (r === 'error') asError = true;
    else if (r !== 'timeout') throw new RedisError('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  }
  const target = c.node.clients.get(intArg(args[2] as string));
  const ok = target?.blocked
    ? c.node.blocking.unblock(target, asError ? 'UNBLOCKED client unblocked via CLIENT UNBLOCK' : undefined)
    : false;
  c.reply.int(ok ? 1 : 0);
}

/** Redis's addReplySubcommandSyntaxError. */
function subcommandSyntax(args: string[]): RedisError {
  return new RedisError(`ERR unknown subcommand or wrong number of arguments for '${(args[1] as string).slice(0, 128)}'. Try CLIENT HELP.`);
}

/** CLIENT PAUSE timeout-ms [WRITE|ALL]: see engine/pause.ts. */
function pause(c: Client, args: string[]): void {
  if (args.length > 4) throw subcommandSyntax(args);
  let type: 'write' | 'all' = 'all';
  if (args.length === 4) {
    const m = (args[3] as string).toLowerCase();
    if (m === 'write') type = 'write';
    else if (m !== 'all') throw new RedisError('ERR CLIENT PAUSE mode must be WRITE or ALL');
  }
  const ms = intArg(args[2] as string, 'ERR timeout is not an integer or out of range');
  if (ms < 0) throw new RedisError('ERR timeout is negative');
  pauseClients(c.node, c.node.clock.now() + ms, type);
  c.reply.ok();
}

function unpause(c: Client): void {
  unpauseClients(c.node, 'client');
  c.reply.ok();
}

function noEvict(c: Client, args: string[]): void {
  const v = (args[2] as string).toLowerCase();
  if (v === 'on') c.ext.set(NO_EVICT, true);
  else if (v === 'off') c.ext.delete(NO_EVICT);
  else throw new RedisError(SYNTAX);
  c.reply.ok();
}

const HELP = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
];

const base = { group: 'connection', flags: ['noscript', 'loading', 'stale'], acl: ['slow', 'connection'] } as const;
const admin = {
  group: 'connection',
  flags: ['admin', 'noscript', 'loading', 'stale'],
  acl: ['admin', 'slow', 'dangerous', 'connection'],
} as const;

export const clientCommands: CommandSpec[] = [
  {
    name: 'client',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'connection',
    since: '2.4.0',
    summary: 'A container for client connection commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        ...base,
        name: 'getredir',
        arity: 2,
        since: '6.0.0',
        summary: 'Get tracking notifications redirection client ID if any',
        complexity: 'O(1)',
        handler: clientGetredir,
      },
      {
        ...base,
        name: 'tracking',
        arity: -3,
        since: '6.0.0',
        summary: 'Enable or disable server assisted client side caching support',
        complexity: 'O(1). Some options may introduce additional complexity.',
        handler: clientTracking,
      },
      {
        ...base,
        name: 'caching',
        arity: 3,
        since: '6.0.0',
        summary: 'Instruct the server about tracking or not keys in the next request',
        complexity: 'O(1)',
        handler: clientCaching,
      },
      {
        ...base,
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        since: '5.0.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler: (c) => replyHelp(c, 'CLIENT', HELP),
      },
      {
        ...base,
        name: 'setname',
        arity: 3,
        since: '2.6.9',
        summary: 'Set the current connection name',
        complexity: 'O(1)',
        handler: setname,
      },
      {
        ...base,
        name: 'reply',
        arity: 3,
        since: '3.2.0',
        summary: 'Instruct the server whether to reply to commands',
        complexity: 'O(1)',
        handler: reply,
      },
      {
        ...admin,
        name: 'pause',
        arity: -3,
        since: '2.9.50',
        summary: 'Stop processing commands from clients for some time',
        complexity: 'O(1)',
        handler: pause,
      },
      {
        ...admin,
        name: 'unpause',
        arity: 2,
        since: '6.2.0',
        summary: 'Resume processing of clients that were paused',
        complexity: 'O(N) Where N is the number of paused clients',
        handler: unpause,
      },
      {
        ...admin,
        name: 'no-evict',
        arity: 3,
        since: '7.0.0',
        summary: 'Set client eviction mode for the current connection',
        complexity: 'O(1)',
        handler: noEvict,
      },
      {
        ...base,
        name: 'getname',
        arity: 2,
        since: '2.6.9',
        summary: 'Get the current connection name',
        complexity: 'O(1)',
        handler: getname,
      },
      {
        ...base,
        name: 'id',
        arity: 2,
        since: '5.0.0',
        summary: 'Returns the client ID for the current connection',
        complexity: 'O(1)',
        handler: id,
      },
      {
        ...base,
        name: 'info',
        arity: 2,
        since: '6.2.0',
        summary: 'Returns information about the current client connection.',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler: info,
      },
      {
        ...base,
        name: 'trackinginfo',
        arity: 2,
        since: '6.2.0',
        summary: 'Return information about server assisted client side caching for the current connection',
        complexity: 'O(1)',
        handler: clientTrackinginfo,
      },
      {
        ...admin,
        name: 'kill',
        arity: -3,
        since: '2.4.0',
        summary: 'Kill the connection of a client',
        complexity: 'O(N) where N is the number of client connections',
        handler: kill,
      },
      {
        ...admin,
        name: 'unblock',
        arity: -3,
        since: '5.0.0',
        summary: 'Unblock a client blocked in a blocking command from a different connection',
        complexity: 'O(log N) where N is the number of client connections',
        handler: unblock,
      },
      {
        ...admin,
        name: 'list',
        arity: -2,
        since: '2.4.0',
        summary: 'Get the list of client connections',
        complexity: 'O(N) where N is the number of client connections',
        tips: ['nondeterministic_output'],
        handler: list,
      },
    ],
  },
];
