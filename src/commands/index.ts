/**
 * The command table: every family's specs in one list. The node indexes it by name.
 */
import type { CommandSpec } from '../engine/command.js';
import { aclCommands } from './acl.js';
import { bitmapCommands } from './bitmaps.js';
import { clientCommands } from './client.js';
import { clusterCommands } from './cluster.js';
import { commandInfoCommands } from './command-info.js';
import { configCommands } from './config.js';
import { connectionCommands } from './connection.js';
import { debugCommands } from './debug.js';
import { dumpCommands } from './dump.js';
import { expireCommands } from './expire.js';
import { failoverCommands } from './failover.js';
import { functionCommands } from './functions.js';
import { geoCommands } from './geo.js';
import { hashCommands } from './hashes.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { keyCommands } from './keys.js';
import { latencyCommands } from './latency.js';
import { listBlockingCommands } from './list-blocking.js';
import { listCommands } from './lists.js';
import { lolwutCommands } from './lolwut.js';
import { memoryCommands } from './memory.js';
import { migrateCommands } from './migrate.js';
import { moduleCommands } from './module.js';
import { pubsubCommands } from './pubsub.js';
import { replicationCommands } from './replication.js';
import { scriptingCommands } from './scripting.js';
import { serverCommands } from './server.js';
import { setCommands } from './sets.js';
import { simCommands } from './sim.js';
import { slowlogCommands } from './slowlog.js';
import { sortCommands } from './sort.js';
import './sim-blocking.js'; // registers SIM BLOCKED
import './sim-faults.js'; // registers SIM NODE and SIM FAULT
import './sim-journal.js'; // registers SIM JOURNAL
import './sim-repl.js'; // registers SIM REPL
import './sim-endpoint.js'; // registers SIM ENDPOINT
import './sim-reset.js'; // registers SIM RESET
import { streamGroupCommands } from './stream-groups.js';
import { streamReadCommands } from './stream-read.js';
import { streamCommands } from './streams.js';
import { stringCommands } from './strings.js';
import { transactionCommands } from './transactions.js';
import { waitCommands } from './wait.js';
import { sortedSetCommands } from './zsets.js';

export const COMMANDS: CommandSpec[] = [
  ...connectionCommands,
  ...replicationCommands,
  ...failoverCommands,
  ...serverCommands,
  ...clientCommands,
  ...configCommands,
  ...commandInfoCommands,
  ...debugCommands,
  ...keyCommands,
  ...expireCommands,
  ...stringCommands,
  ...bitmapCommands,
  ...listCommands,
  ...listBlockingCommands,
  ...hashCommands,
  ...hyperloglogCommands,
  ...setCommands,
  ...sortCommands,
  ...dumpCommands,
  ...migrateCommands,
  ...sortedSetCommands,
  ...geoCommands,
  ...streamCommands,
  ...streamGroupCommands,
  ...streamReadCommands,
  ...transactionCommands,
  ...pubsubCommands,
  ...scriptingCommands,
  ...functionCommands,
  ...slowlogCommands,
  ...aclCommands,
  ...latencyCommands,
  ...memoryCommands,
  ...waitCommands,
  ...clusterCommands,
  ...moduleCommands,
  ...lolwutCommands,
  ...simCommands,
];
