/**
 * Full sync's snapshot: the RDB encoder and decoder of src/rdb (Redis's rdb.c format), so a real
 * redis-server can replicate redis-sim and the other way round.
 *
 * The RDB a primary sends carries rdbSaveInfo's aux fields (repl-stream-db, repl-id,
 * repl-offset); a replica loads every key of it, already expired ones included (it waits for its
 * primary's DEL, as Redis's replicas do).
 */
import type { RedisNode } from '../engine/node.js';
import { loadRdb as load } from '../rdb/load.js';
import { saveRdb as save } from '../rdb/save.js';

/** The node's dataset as an RDB file, at replication offset `offset` of stream `replId`. */
export function saveRdb(node: RedisNode, replication?: { replId: string; offset: number }): Buffer {
  return save(node, replication ? { replication: { streamDb: 0, replId: replication.replId, offset: replication.offset } } : {});
}

/** Replaces the node's dataset with an RDB file's (throws, leaving it untouched, when invalid). */
export function loadRdb(node: RedisNode, rdb: Buffer): void {
  load(node, rdb);
}
