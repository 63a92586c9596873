/**
 * SIM ENDPOINT: primary endpoints over the wire (topology/endpoint.ts; PrimaryEndpoint in
 * TypeScript). An endpoint started here belongs to this node and stops with it.
 *
 *   SIM ENDPOINT START [KEEP] <host> <port> [<host> <port> ...]
 *                                   listen on a free port and forward each connection to the
 *                                   current primary among these nodes; replies the port. KEEP:
 *                                   clients stay connected to the old primary at a failover
 *   SIM ENDPOINT PRIMARY <port>     the address new connections go to ("host:port"), or nil
 *   SIM ENDPOINT REFRESH <port>     re-read the members' roles (nodes of other processes) and
 *                                   disconnect clients of an old primary; replies PRIMARY's answer
 *   SIM ENDPOINT STOP <port>        stop it (its clients are disconnected)
 */
import { intArg } from '../engine/args.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError } from '../engine/errors.js';
import {
  PrimaryEndpoint as Endpoint,
  type EndpointMember,
  ownedEndpoint,
  type PrimaryEndpoint,
  startOwnedEndpoint,
  stopOwnedEndpoint,
} from '../topology/endpoint.js';
import { addSimSubcommand } from './sim.js';

function wrongArity(op: string): RedisError {
  return new RedisError(`ERR wrong number of arguments for 'sim|endpoint|${op.toLowerCase()}' command`);
}

function endpointArg(c: Client, s: string): PrimaryEndpoint {
  const port = intArg(s);
  const ep = ownedEndpoint(c.node, port);
  if (!ep) throw new RedisError(`ERR no endpoint of this node listens on port ${port}`);
  return ep;
}

/** Replies after `work` settles: its value through `reply`, or its error. */
function later<T>(c: Client, work: Promise<T>, reply: (cl: Client, v: T) => void): void {
  let value: T;
  c.block({ keys: [], timeoutAt: 0, onTimeout: (cl) => reply(cl, value) });
  if (c.blockRequest === undefined) return; // inside MULTI: cannot wait
  work.then(
    (v) => {
      value = v;
      if (!c.closed && c.blocked) c.node.blocking.unblock(c);
    },
    (e: Error) => {
      if (!c.closed && c.blocked) c.node.blocking.unblock(c, `ERR ${e.message}`);
    },
  );
}

function address(cl: Client, m: EndpointMember | undefined): void {
  cl.reply.bulkOrNil(m ? `${m.host}:${m.port}` : null);
}

function endpoint(c: Client, args: string[]): void {
  const op = (args[2] ?? '').toUpperCase();
  switch (op) {
    case 'START': {
      let i = 3;
      let onFailover: 'disconnect' | 'keep' = 'disconnect';
      if ((args[i] ?? '').toUpperCase() === 'KEEP') {
        onFailover = 'keep';
        i++;
      }
      const rest = args.slice(i);
      if (rest.length === 0 || rest.length % 2 !== 0) throw wrongArity(op);
      const members: EndpointMember[] = [];
      for (let j = 0; j < rest.length; j += 2) members.push(Endpoint.member(rest[j] as string, intArg(rest[j + 1] as string)));
      later(c, startOwnedEndpoint(c.node, members, { onFailover }), (cl, ep) => cl.reply.int(ep.port));
      return;
    }
    case 'PRIMARY': {
      if (args.length !== 4) throw wrongArity(op);
      later(c, endpointArg(c, args[3] as string).primary(), address);
      return;
    }
    case 'REFRESH': {
      if (args.length !== 4) throw wrongArity(op);
      later(c, endpointArg(c, args[3] as string).refresh(), address);
      return;
    }
    case 'STOP': {
      if (args.length !== 4) throw wrongArity(op);
      const ep = endpointArg(c, args[3] as string);
      later(c, stopOwnedEndpoint(c.node, ep.port), (cl) => cl.reply.ok());
      return;
    }
    default:
      throw new RedisError(`ERR unknown subcommand '${args[2] ?? ''}'. Try ${(args[0] as string).toUpperCase()} HELP.`);
  }
}

const simEndpointSpec: CommandSpec = {
  name: 'endpoint',
  arity: -3,
  flags: ['noscript', 'loading', 'stale'],
  acl: ['admin'],
  group: 'sim',
  since: '0.1.0',
  handler: endpoint,
};

addSimSubcommand(simEndpointSpec, [
  'ENDPOINT START [KEEP] <host> <port> [<host> <port> ...]',
  '    A primary endpoint: a port that forwards each connection to the current primary of these nodes.',
  '    Replies its port. KEEP: clients stay on the old primary at a failover (default: disconnected).',
  'ENDPOINT PRIMARY <port>',
  "    The address the endpoint's new connections go to, or nil when no member is a primary.",
  'ENDPOINT REFRESH <port>',
  "    Re-read the members' roles and disconnect clients of an old primary.",
  'ENDPOINT STOP <port>',
  '    Stop the endpoint; its clients are disconnected.',
]);
