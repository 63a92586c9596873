/**
 * A node's RDB at startup and shutdown: the data it starts with (an explicit RDB path or Buffer,
 * else `dir`/`dbfilename` when either was configured and the file exists, as redis-server loads
 * its dump.rdb), the save-point timer, and its cleanup.
 */
import { existsSync } from 'node:fs';
import type { RedisNode } from '../engine/node.js';
import { loadRdb } from './load.js';
import { armSavePoints, disarmSavePoints, rdbPath, recordLoad } from './persistence.js';

export function startupLoad(node: RedisNode, rdb: string | Buffer | undefined, config: Record<string, string>): void {
  armSavePoints(node);
  try {
    load(node, rdb, config);
  } catch (e) {
    disarmSavePoints(node);
    node.shutdown();
    throw e;
  }
}

function load(node: RedisNode, rdb: string | Buffer | undefined, config: Record<string, string>): void {
  // A path is read as a stream (load.ts), never whole into memory.
  let data: Buffer | string | undefined = rdb;
  if (data === undefined && (config.dir !== undefined || config.dbfilename !== undefined) && existsSync(rdbPath(node)))
    data = rdbPath(node);
  if (data === undefined) return;
  const started = performance.now();
  const r = recordLoad(node, loadRdb(node, data));
  node.log('notice', `Done loading RDB, keys loaded: ${r.keys}, keys expired: ${r.expiredSkipped}.`);
  node.log('notice', `DB loaded from disk: ${((performance.now() - started) / 1000).toFixed(3)} seconds`);
}

export function stopPersistence(node: RedisNode): void {
  disarmSavePoints(node);
}
