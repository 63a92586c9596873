/**
 * The ACL log (ACL LOG), as Redis 7.0.15's addACLLogEntry keeps it: newest first, at most
 * acllog-max-len entries (trimmed on insertion). Times are the node's virtual clock.
 *
 * An entry records a denied command ("command", object = its full name), key ("key", the key
 * name), channel ("channel", the channel) or a failed AUTH / HELLO AUTH ("auth", the command
 * name as typed), with its context ("toplevel", "multi" inside MULTI/EXEC, "lua" in a script),
 * the username (the one tried, for "auth") and the CLIENT LIST line of the client that sent it
 * (for a script, the caller). An entry equal to one of the 10 newest in reason, context, object
 * and username and at most 60 s apart is merged into it: count+1, its time and client-info
 * updated, moved to the head.
 */
import type { Client } from '../engine/client.js';
import { clientInfoLine } from '../engine/client-info.js';
import type { RedisNode } from '../engine/node.js';
import { DENIED_AUTH, DENIED_CHANNEL, DENIED_CMD, DENIED_KEY } from './permissions.js';

export interface LogEntry {
  count: number;
  reason: string;
  context: string;
  object: string;
  username: string;
  /** Virtual-clock ms of the latest occurrence. */
  ctime: number;
  clientInfo: string;
}

const logs = new WeakMap<RedisNode, LogEntry[]>();

export function aclLog(node: RedisNode): LogEntry[] {
  let l = logs.get(node);
  if (!l) {
    l = [];
    logs.set(node, l);
  }
  return l;
}

export function resetAclLog(node: RedisNode): void {
  logs.set(node, []);
}

/** ACL_LOG_GROUPING_MAX_TIME_DELTA. */
const GROUPING_MS = 60000;
/** How many of the newest entries are looked at for a match. */
const GROUPING_SCAN = 10;

const REASONS: Record<number, string> = {
  [DENIED_CMD]: 'command',
  [DENIED_KEY]: 'key',
  [DENIED_CHANNEL]: 'channel',
  [DENIED_AUTH]: 'auth',
};

/**
 * addACLLogEntry. `c` is the client the entry describes (a script's caller for context "lua");
 * `username` defaults to its user's name.
 */
export function addLogEntry(c: Client, reason: number, context: string, object: string, username?: string): void {
  const node = c.node;
  const log = aclLog(node);
  const now = node.clock.now();
  const user = username ?? c.user.name;
  const reasonName = REASONS[reason] ?? 'unknown';
  const clientInfo = clientInfoLine(c);
  const scan = Math.min(GROUPING_SCAN, log.length);
  for (let i = 0; i < scan; i++) {
    const e = log[i] as LogEntry;
    if (
      e.reason === reasonName &&
      e.context === context &&
      Math.abs(e.ctime - now) <= GROUPING_MS &&
      e.object === object &&
      e.username === user
    ) {
      log.splice(i, 1);
      e.count++;
      e.ctime = now;
      e.clientInfo = clientInfo;
      log.unshift(e);
      return;
    }
  }
  log.unshift({ count: 1, reason: reasonName, context, object, username: user, ctime: now, clientInfo });
  const max = node.config.getInt('acllog-max-len');
  if (log.length > max) log.length = max;
}
