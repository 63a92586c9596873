/**
 * One client described as CLIENT LIST prints it (Redis's catClientInfoString): used by CLIENT
 * LIST/INFO (commands/client.ts), the ACL log's client-info (acl/log.ts) and the server's log lines.
 */
import type { Client } from './client.js';
import { clientMemory, REPLY_BUFFER } from './client-memory.js';

/** Where CLIENT NO-EVICT marks a client (its `e` flag). */
export const NO_EVICT = 'client.no-evict';

/** One CLIENT LIST line (without the trailing newline), field for field as catClientInfoString. */
export function clientInfoLine(c: Client): string {
  const now = c.node.clock.now();
  let flags = '';
  if (c.replLink === 'replica') flags += 'S';
  if (c.replLink === 'primary') flags += 'M';
  if (c.monitor) flags += 'O';
  if (c.subscriptionCount > 0) flags += 'P';
  if (c.multi) flags += 'x';
  if (c.blocked) flags += 'b';
  if (c.tracking) flags += trackingFlags(c);
  if (c.node.watches.isDirty(c)) flags += 'd';
  if (c.closeAfterReply) flags += 'c';
  if (c.ext.get(NO_EVICT)) flags += 'e';
  if (flags === '') flags = 'N';
  const t = c.transport;
  const m = clientMemory(c, now - c.lastInteraction);
  return (
    `id=${c.id} addr=${t?.remoteAddress ?? c.peer?.addr ?? ''} laddr=${t?.localAddress ?? c.peer?.laddr ?? ''} fd=${t?.fd ?? c.peer?.fd ?? -1} name=${c.name}` +
    ` age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)} flags=${flags}` +
    ` db=${c.db.index} sub=${c.channels.size} psub=${c.patterns.size} ssub=${c.shardChannels.size}` +
    ` multi=${c.multi ? c.multi.queue.length : -1} qbuf=${m.qbuf} qbuf-free=${m.free} argv-mem=${m.argvMem} multi-mem=${m.multiMem} rbs=${REPLY_BUFFER} rbp=0` +
    ` obl=0 oll=0 omem=${m.omem} tot-mem=${m.total} events=r cmd=${c.lastCommand} user=${c.user.name} redir=${c.tracking ? c.tracking.redirect : -1} resp=${c.resp}`
  );
}

/** CLIENT LIST / INFO: the tracking letters (t, R, B, in Redis's place) and redir=. */
export function trackingFlags(c: Client): string {
  const st = c.tracking;
  if (!st) return '';
  return `t${st.brokenRedirect ? 'R' : ''}${st.bcast ? 'B' : ''}`;
}
