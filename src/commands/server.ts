/**
 * Server commands: INFO DBSIZE FLUSHDB FLUSHALL TIME LASTSAVE SHUTDOWN SAVE BGSAVE ROLE MONITOR.
 *
 * SAVE and BGSAVE write a real RDB file to `dir`/`dbfilename` (src/rdb/persistence.ts): SAVE
 * before replying, BGSAVE from a snapshot taken at once, its file written in the background and
 * its completion (LASTSAVE, INFO persistence) handled on the event loop. SHUTDOWN saves first when
 * save points are configured or SAVE is given (not with NOSAVE), then asks the embedding
 * (RedisSim, the CLI) to stop through node.onShutdownRequest: the client gets no reply, its
 * connection closes, as with Redis. FLUSHALL saves the empty dataset when save points are set.
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { RedisError, SYNTAX } from '../engine/errors.js';
import { aofRewrites, genInfo } from '../engine/info.js';
import { persistenceState } from '../engine/persistence-state.js';
import { persistenceHooks, saveCommandSave, saveToDisk, startBgsave } from '../rdb/persistence.js';

function info(c: Client, args: string[]): void {
  c.reply.verbatim(genInfo(c.node, args.slice(1)));
}

function dbsize(c: Client): void {
  // Keys whose deadline passed are removed by the node's expiry timer exactly when they expire,
  // so the dictionary size is the number of live keys.
  c.reply.int(c.db.size);
}

/** FLUSHDB/FLUSHALL [SYNC|ASYNC]: one optional word, anything else is a syntax error. */
function flushFlags(args: string[]): void {
  if (args.length === 1) return;
  const f = (args[1] as string).toLowerCase();
  if (args.length === 2 && (f === 'sync' || f === 'async')) return;
  throw new RedisError(SYNTAX);
}

function flushdb(c: Client, args: string[]): void {
  flushFlags(args);
  const db = c.db;
  c.node.stats.dirty += db.size;
  c.node.watches.touchDatabase(db);
  db.clear();
  c.node.blocking.signalDatabase(db);
  // Tracked keys are not per database: FLUSHDB invalidates every key for every tracking client.
  c.node.tracking.invalidateAll();
  // Replicated even when the database was already empty (forceCommandPropagation).
  c.node.propagation.force();
  c.reply.ok();
}

function flushall(c: Client, args: string[]): void {
  flushFlags(args);
  for (let i = 0; i < c.node.databaseCount; i++) c.node.stats.dirty += c.node.db(i).size;
  c.node.flushAllData();
  // With save points configured Redis saves the (now empty) dataset after FLUSHALL.
  if (c.node.config.get('save') !== '') saveToDisk(c.node);
  c.node.propagation.force();
  c.reply.ok();
}

/** TIME: [unix seconds, microseconds], both from the node clock. */
function time(c: Client): void {
  // Redis's TIME asks the OS (gettimeofday), not the time cached for the command.
  const t = c.node.clock.unheldNow();
  const secs = Math.floor(t / 1000);
  const micros = Math.floor((t - secs * 1000) * 1000);
  c.reply.bulkArray([String(secs), String(micros)]);
}

function lastsave(c: Client): void {
  c.reply.int(c.node.lastSave);
}

const BGSAVE_RUNNING = 'ERR Background save already in progress';

function save(c: Client): void {
  if (persistenceState(c.node).bgsaveInProgress) throw new RedisError(BGSAVE_RUNNING);
  // Redis answers a bare "-ERR" (shared.err) when the file cannot be written.
  if (!saveCommandSave(c.node)) throw new RedisError('ERR');
  c.reply.ok();
}

/**
 * BGSAVE [SCHEDULE]: starts a background save; inside MULTI/EXEC it is scheduled for the
 * next save-point check instead, as Redis does while a command is executing a transaction.
 */
function bgsave(c: Client, args: string[]): void {
  if (args.length > 2 || (args.length === 2 && (args[1] as string).toLowerCase() !== 'schedule')) throw new RedisError(SYNTAX);
  const st = persistenceState(c.node);
  if (st.bgsaveInProgress) throw new RedisError(BGSAVE_RUNNING);
  if (c.multi !== undefined) {
    st.bgsaveScheduled = true;
    persistenceHooks.get(c.node)?.();
    c.reply.simple('Background saving scheduled');
    return;
  }
  startBgsave(c.node);
  c.reply.simple('Background saving started');
}

/**
 * BGREWRITEAOF: Redis rewrites the AOF in a forked child even with appendonly no; here the
 * "rewrite" finishes before the reply (no file is written), so it is never "already in progress"
 * and INFO persistence shows it done: aof_rewrites counts, aof_last_rewrite_time_sec is 0.
 */
function bgrewriteaof(c: Client): void {
  aofRewrites.set(c.node, (aofRewrites.get(c.node) ?? 0) + 1);
  c.reply.simple('Background append only file rewriting started');
}

/** SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. */
function shutdown(c: Client, args: string[]): void {
  let save = false;
  let nosave = false;
  let flags = false;
  let abort = false;
  for (let i = 1; i < args.length; i++) {
    const a = (args[i] as string).toLowerCase();
    if (a === 'nosave') nosave = flags = true;
    else if (a === 'save') save = flags = true;
    else if (a === 'now' || a === 'force') flags = true;
    else if (a === 'abort') abort = true;
    else throw new RedisError(SYNTAX);
  }
  if ((abort && flags) || (save && nosave)) throw new RedisError(SYNTAX);
  // Shutdown is immediate here, so there is never one in progress to abort.
  if (abort) throw new RedisError('ERR No shutdown in progress.');
  const stop = c.node.onShutdownRequest;
  if (!stop) throw new RedisError('ERR Errors trying to SHUTDOWN. Check logs.');
  c.node.log('warning', 'User requested shutdown...');
  if ((save || c.node.config.get('save') !== '') && !nosave) {
    c.node.log('notice', 'Saving the final RDB snapshot before exiting.');
    if (!saveToDisk(c.node)) {
      c.node.log('warning', "Error trying to save the DB, can't exit.");
      if (!args.some((a) => a.toLowerCase() === 'force')) throw new RedisError('ERR Errors trying to SHUTDOWN. Check logs.');
    }
  }
  stop();
}

/** ROLE: a master reports [master, offset, replicas]. */
function role(c: Client): void {
  if (c.node.replication) return c.node.replication.role(c);
  if (c.node.role === 'master') {
    c.reply.arrayLen(3);
    c.reply.bulk('master');
    c.reply.int(0);
    c.reply.arrayLen(0);
    return;
  }
  const [host = '', port = '0'] = c.node.config.get('replicaof').split(' ');
  c.reply.arrayLen(5);
  c.reply.bulk('slave');
  c.reply.bulk(host);
  c.reply.int(Number(port));
  c.reply.bulk('connected');
  c.reply.int(0);
}

/** MONITOR: from now on the client receives every command the server runs (not its own). */
function monitor(c: Client): void {
  // Inside EXEC or a script the client must get one reply per command; so must the in-process
  // API's client (sim.command), which has no connection to stream to.
  if (c.noBlock || !c.transport) throw new RedisError("ERR MONITOR isn't allowed for DENY BLOCKING client");
  if (c.monitor) return; // Redis ignores a repeated MONITOR (no reply)
  c.monitor = true;
  c.node.monitors.add(c);
  c.reply.ok();
}

const base = { group: 'server', since: '1.0.0' } as const;
const adminAcl = ['admin', 'slow', 'dangerous'] as const;

export const serverCommands: CommandSpec[] = [
  {
    ...base,
    name: 'info',
    arity: -1,
    flags: ['loading', 'stale'],
    acl: ['slow', 'dangerous'],
    summary: 'Get information and statistics about the server',
    complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    handler: info,
  },
  {
    ...base,
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    acl: ['keyspace', 'read', 'fast'],
    summary: 'Return the number of keys in the selected database',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    handler: dbsize,
  },
  {
    ...base,
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    summary: 'Remove all keys from the current database',
    complexity: 'O(N) where N is the number of keys in the selected database',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler: flushdb,
  },
  {
    ...base,
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    summary: 'Remove all keys from all databases',
    complexity: 'O(N) where N is the total number of keys in all databases',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler: flushall,
  },
  {
    ...base,
    name: 'time',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['fast'],
    since: '2.6.0',
    summary: 'Return the current server time',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler: time,
  },
  {
    ...base,
    name: 'lastsave',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['admin', 'fast', 'dangerous'],
    summary: 'Get the UNIX time stamp of the last successful save to disk',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler: lastsave,
  },
  {
    ...base,
    name: 'shutdown',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    acl: adminAcl,
    summary: 'Synchronously save the dataset to disk and then shut down the server',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    handler: shutdown,
  },
  {
    ...base,
    name: 'save',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    acl: adminAcl,
    summary: 'Synchronously save the dataset to disk',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler: save,
  },
  {
    ...base,
    name: 'bgsave',
    arity: -1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    acl: adminAcl,
    summary: 'Asynchronously save the dataset to disk',
    complexity: 'O(1)',
    handler: bgsave,
  },
  {
    ...base,
    name: 'bgrewriteaof',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    acl: adminAcl,
    summary: 'Asynchronously rewrite the append-only file',
    complexity: 'O(1)',
    handler: bgrewriteaof,
  },
  {
    ...base,
    name: 'role',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast'],
    acl: ['admin', 'fast', 'dangerous'],
    since: '2.8.12',
    summary: 'Return the role of the instance in the context of replication',
    complexity: 'O(1)',
    handler: role,
  },
  {
    ...base,
    name: 'monitor',
    arity: 1,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    acl: adminAcl,
    summary: 'Listen for all requests received by the server in real time',
    handler: monitor,
  },
];
