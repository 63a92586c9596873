/**
 * CLUSTER (every 7.0 subcommand), READONLY, READWRITE and ASKING on a server started without
 * cluster support, which is what a redis-sim node is (cluster-enabled no): Redis 7.0 answers each
 * of them, after the arity check, with "ERR This instance has cluster support disabled" — CLUSTER
 * HELP included. An unknown subcommand is still "unknown subcommand" (dispatch), and the
 * subcommands flagged noscript (CLUSTER RESET) are refused inside scripts before that.
 */
import type { Client } from '../engine/client.js';
import type { CommandFlag, CommandSpec } from '../engine/command.js';
import { RedisError } from '../engine/errors.js';

export const CLUSTER_DISABLED = 'ERR This instance has cluster support disabled';

function clusterDisabled(_c: Client, _args: string[]): void {
  throw new RedisError(CLUSTER_DISABLED);
}

type Kind = 'admin' | 'admin-write' | 'read';
const KIND: Record<Kind, { flags: CommandFlag[]; acl: string[] }> = {
  // Reads of cluster state.
  read: { flags: ['stale'], acl: ['slow'] },
  // Admin reads (REPLICAS, SLAVES, COUNT-FAILURE-REPORTS).
  admin: { flags: ['admin', 'stale'], acl: ['admin', 'slow', 'dangerous'] },
  // Admin changes of the cluster configuration.
  'admin-write': { flags: ['admin', 'stale', 'no_async_loading'], acl: ['admin', 'slow', 'dangerous'] },
};

const ND = ['nondeterministic_output'];

function sub(name: string, arity: number, kind: Kind, since: string, summary: string, complexity: string, tips?: string[]): CommandSpec {
  const { flags, acl } = KIND[kind];
  return { name, arity, flags, acl, group: 'cluster', since, summary, complexity, ...(tips ? { tips } : {}), handler: clusterDisabled };
}

const SLOT_ARGS = 'O(N) where N is the total number of hash slot arguments';
const RANGE_ARGS = 'O(N) where N is the total number of the slots between the start slot and end slot arguments.';
const NODES = 'O(N) where N is the total number of Cluster nodes';

export const clusterCommands: CommandSpec[] = [
  {
    name: 'cluster',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'cluster',
    since: '3.0.0',
    summary: 'A container for cluster commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('addslots', -3, 'admin-write', '3.0.0', 'Assign new hash slots to receiving node', SLOT_ARGS),
      sub('addslotsrange', -4, 'admin-write', '7.0.0', 'Assign new hash slots to receiving node', RANGE_ARGS),
      sub('bumpepoch', 2, 'admin-write', '3.0.0', 'Advance the cluster config epoch', 'O(1)', ND),
      sub(
        'count-failure-reports',
        3,
        'admin',
        '3.0.0',
        'Return the number of failure reports active for a given node',
        'O(N) where N is the number of failure reports',
        ND,
      ),
      sub('countkeysinslot', 3, 'read', '3.0.0', 'Return the number of local keys in the specified hash slot', 'O(1)'),
      sub('delslots', -3, 'admin-write', '3.0.0', 'Set hash slots as unbound in receiving node', SLOT_ARGS),
      sub('delslotsrange', -4, 'admin-write', '7.0.0', 'Set hash slots as unbound in receiving node', RANGE_ARGS),
      sub('failover', -2, 'admin-write', '3.0.0', 'Forces a replica to perform a manual failover of its master.', 'O(1)'),
      sub('flushslots', 2, 'admin-write', '3.0.0', "Delete a node's own slots information", 'O(1)'),
      sub('forget', 3, 'admin-write', '3.0.0', 'Remove a node from the nodes table', 'O(1)'),
      sub(
        'getkeysinslot',
        4,
        'read',
        '3.0.0',
        'Return local key names in the specified hash slot',
        'O(log(N)) where N is the number of requested keys',
        ND,
      ),
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow'],
        group: 'cluster',
        since: '5.0.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler: clusterDisabled,
      },
      sub('info', 2, 'read', '3.0.0', 'Provides info about Redis Cluster node state', 'O(1)', ND),
      sub('keyslot', 3, 'read', '3.0.0', 'Returns the hash slot of the specified key', 'O(N) where N is the number of bytes in the key'),
      sub('links', 2, 'read', '7.0.0', 'Returns a list of all TCP links to and from peer nodes in cluster', NODES, ND),
      sub('meet', -4, 'admin-write', '3.0.0', 'Force a node cluster to handshake with another node', 'O(1)'),
      sub('myid', 2, 'read', '3.0.0', 'Return the node id', 'O(1)'),
      sub('nodes', 2, 'read', '3.0.0', 'Get Cluster config for the node', NODES, ND),
      sub('replicas', 3, 'admin', '5.0.0', 'List replica nodes of the specified master node', 'O(1)', ND),
      sub('replicate', 3, 'admin-write', '3.0.0', 'Reconfigure a node as a replica of the specified master node', 'O(1)'),
      {
        name: 'reset',
        arity: -2,
        flags: ['admin', 'noscript', 'stale'],
        acl: ['admin', 'slow', 'dangerous'],
        group: 'cluster',
        since: '3.0.0',
        summary: 'Reset a Redis Cluster node',
        complexity: 'O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.',
        handler: clusterDisabled,
      },
      sub('saveconfig', 2, 'admin-write', '3.0.0', 'Forces the node to save cluster state on disk', 'O(1)'),
      sub('set-config-epoch', 3, 'admin-write', '3.0.0', 'Set the configuration epoch in a new node', 'O(1)'),
      sub('setslot', -4, 'admin-write', '3.0.0', 'Bind a hash slot to a specific node', 'O(1)'),
      sub(
        'shards',
        2,
        'read',
        '7.0.0',
        'Get array of cluster slots to node mappings',
        'O(N) where N is the total number of cluster nodes',
        ND,
      ),
      sub('slaves', 3, 'admin', '3.0.0', 'List replica nodes of the specified master node', 'O(1)', ND),
      sub('slots', 2, 'read', '3.0.0', 'Get array of Cluster slot to node mappings', NODES, ND),
    ],
  },
  {
    name: 'readonly',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['fast', 'connection'],
    group: 'cluster',
    since: '3.0.0',
    summary: 'Enables read queries for a connection to a cluster replica node',
    complexity: 'O(1)',
    handler: clusterDisabled,
  },
  {
    name: 'readwrite',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['fast', 'connection'],
    group: 'cluster',
    since: '3.0.0',
    summary: 'Disables read queries for a connection to a cluster replica node',
    complexity: 'O(1)',
    handler: clusterDisabled,
  },
  {
    name: 'asking',
    arity: 1,
    flags: ['fast'],
    acl: ['fast', 'connection'],
    group: 'cluster',
    since: '3.0.0',
    summary: 'Sent by cluster clients after an -ASK redirect',
    complexity: 'O(1)',
    handler: clusterDisabled,
  },
];
