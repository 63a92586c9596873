/**
 * Replication commands, as Redis 7.0's replication.c: SYNC, PSYNC, REPLCONF (the primary's side
 * of the handshake) and REPLICAOF / SLAVEOF. The state lives in topology/.
 *
 * - SYNC and PSYNC turn the connection into a replica link. PSYNC <replid> <offset> answers
 *   +CONTINUE <replid> and the backlog from <offset> when it can, else +FULLRESYNC <replid>
 *   <offset> and the RDB as a bulk without trailing CRLF ($<len>\r\n<rdb>); SYNC gets only the
 *   RDB. Then the replication stream follows. A client that is already a replica is ignored;
 *   a replica whose own link is not up answers "NOMASTERLINK Can't SYNC while not connected
 *   with my master".
 * - REPLCONF takes option/value pairs (an even argument count is a syntax error):
 *   listening-port, ip-address, capa (+OK); ACK <offset> from a replica (no reply); GETACK
 *   (no reply; a replica answers its primary with REPLCONF ACK); anything else is
 *   "ERR Unrecognized REPLCONF option: <opt>".
 * - REPLICAOF host port: +OK, or "+OK Already connected to specified master"; REPLICAOF NO ONE
 *   promotes (+OK). A replica's own replication client may not run it ("ERR Command is not valid
 *   when client is a replica.").
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { NOT_INTEGER, RedisError } from '../engine/errors.js';
import { parseInteger } from '../protocol/numbers.js';
import type { ReplicaHandle } from '../topology/primary.js';
import { saveRdb } from '../topology/rdb-bridge.js';
import { Replication } from '../topology/replication.js';

const HANDLE = 'replica-handle';

function handleOf(c: Client): ReplicaHandle | undefined {
  return c.ext.get(HANDLE) as ReplicaHandle | undefined;
}

function sync(c: Client, args: string[]): void {
  if (handleOf(c)) return;
  if (!c.transport) throw new RedisError('ERR SYNC and PSYNC need a connection');
  const repl = Replication.of(c.node);
  // PSYNC <replid> <offset> FAILOVER: our primary hands over to us (its FAILOVER command).
  if (args.length > 3 && (args[0] as string).toLowerCase() === 'psync' && (args[3] as string).toLowerCase() === 'failover') {
    const err = repl.acceptFailoverRequest(args[1] as string, `id=${c.id} addr=${c.transport.remoteAddress}`);
    if (err) throw new RedisError(err);
  }
  // No replica may sync with a primary that is failing over.
  if (repl.failover.active) throw new RedisError("NOMASTERLINK Can't SYNC while failing over");
  if (repl.replica && !repl.replica.up) throw new RedisError("NOMASTERLINK Can't SYNC while not connected with my master");
  if (c.reply.out.length > 0) throw new RedisError('ERR SYNC and PSYNC are invalid with pending output');
  const isPsync = args[0]?.toLowerCase() === 'psync';
  let psync: { replid: string; offset: number } | undefined;
  if (isPsync && args[1] !== '?') {
    const off = parseInteger(args[2] as string);
    if (off !== null) psync = { replid: args[1] as string, offset: off };
  }
  const transport = c.transport;
  const result = repl.primary.attach(
    {
      ip: transport.remoteAddress.slice(0, transport.remoteAddress.lastIndexOf(':')),
      client: c,
      write: (d) => {
        c.reply.raw(d);
        c.flush();
      },
      close: () => transport.close(),
    },
    psync,
  );
  const h = result.handle;
  c.ext.set(HANDLE, h);
  c.replLink = 'replica';
  const capa = c.ext.get('replconf-capa') as Set<string> | undefined;
  if (capa) for (const x of capa) h.capa.add(x);
  h.listeningPort = (c.ext.get('replconf-port') as number | undefined) ?? 0;
  if (result.kind === 'continue') {
    c.reply.raw(h.capa.has('psync2') ? `+CONTINUE ${result.replid}\r\n` : '+CONTINUE\r\n');
    c.reply.raw(result.data);
    return;
  }
  // The snapshot is taken now, at the offset the replica continues from.
  const rdb = saveRdb(c.node, { replId: result.replid, offset: result.offset });
  if (isPsync) c.reply.raw(`+FULLRESYNC ${result.replid} ${result.offset}\r\n`);
  c.reply.raw(`$${rdb.length}\r\n${rdb.toString('latin1')}`);
  c.node.log('notice', `Synchronization with replica ${transport.remoteAddress} succeeded`);
}

function replconf(c: Client, args: string[]): void {
  if (args.length % 2 === 0) throw new RedisError('ERR syntax error');
  for (let j = 1; j < args.length; j += 2) {
    const opt = (args[j] as string).toLowerCase();
    const val = args[j + 1] as string;
    if (opt === 'listening-port') {
      const port = parseInteger(val);
      if (port === null) throw new RedisError(NOT_INTEGER);
      c.ext.set('replconf-port', port);
      const h = handleOf(c);
      if (h) h.listeningPort = port;
    } else if (opt === 'ip-address') {
      // Announced address: kept for INFO as the replica's ip.
    } else if (opt === 'capa') {
      const capa = (c.ext.get('replconf-capa') as Set<string> | undefined) ?? new Set<string>();
      c.ext.set('replconf-capa', capa);
      capa.add(val.toLowerCase());
    } else if (opt === 'ack') {
      // Only a replica's link acknowledges; the ack has no reply.
      const h = handleOf(c);
      const off = parseInteger(val);
      if (h && off !== null) h.primary.ack(h, off);
      return;
    } else if (opt === 'getack') {
      // A replica answers its primary on the replication link (topology/replica.ts); elsewhere ignored.
      return;
    } else if (opt === 'rdb-only' || opt === 'rdb-filter-only') {
      // Accepted for completeness; redis-sim sends the whole RDB.
    } else {
      throw new RedisError(`ERR Unrecognized REPLCONF option: ${args[j]}`);
    }
  }
  c.reply.ok();
}

function replicaof(c: Client, args: string[]): void {
  const host = args[1] as string;
  const portArg = args[2] as string;
  const repl = Replication.of(c.node);
  if (repl.failover.active) throw new RedisError('ERR REPLICAOF not allowed while failing over.');
  if (host.toLowerCase() === 'no' && portArg.toLowerCase() === 'one') {
    if (repl.replica) {
      repl.promote();
      c.node.log('notice', `MASTER MODE enabled (user request from 'id=${c.id}')`);
    }
    c.reply.ok();
    return;
  }
  if (handleOf(c)) throw new RedisError('ERR Command is not valid when client is a replica.');
  const port = parseInteger(portArg);
  if (port === null) throw new RedisError(NOT_INTEGER);
  if (repl.replica && repl.replica.host === host && repl.replica.port === port) {
    c.reply.simple('OK Already connected to specified master');
    return;
  }
  repl.replicaOf(host, port);
  c.node.log('notice', `REPLICAOF ${host}:${port} enabled (user request from 'id=${c.id}')`);
  c.reply.ok();
}

const base = { group: 'server', acl: ['admin', 'slow', 'dangerous'] } as const;

export const replicationCommands: CommandSpec[] = [
  {
    ...base,
    name: 'sync',
    arity: 1,
    since: '1.0.0',
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    summary: 'Internal command used for replication',
    handler: sync,
  },
  {
    ...base,
    name: 'psync',
    arity: -3,
    since: '2.8.0',
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    summary: 'Internal command used for replication',
    handler: sync,
  },
  {
    ...base,
    name: 'replconf',
    arity: -1,
    since: '3.0.0',
    flags: ['admin', 'noscript', 'loading', 'stale', 'allow_busy'],
    summary: 'An internal command for configuring the replication stream',
    complexity: 'O(1)',
    handler: replconf,
  },
  {
    ...base,
    name: 'replicaof',
    arity: 3,
    since: '5.0.0',
    flags: ['admin', 'noscript', 'stale', 'no_async_loading'],
    summary: 'Make the server a replica of another instance, or promote it as master.',
    complexity: 'O(1)',
    handler: replicaof,
  },
  {
    ...base,
    name: 'slaveof',
    arity: 3,
    since: '1.0.0',
    flags: ['admin', 'noscript', 'stale', 'no_async_loading'],
    summary: 'Make the server a replica of another instance, or promote it as master.',
    complexity: 'O(1)',
    handler: replicaof,
  },
];
