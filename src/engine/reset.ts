/**
 * Puts a node back as it was when it started, between tests (`sim.reset()`, `SIM RESET`): every
 * database emptied, the script cache and Lua state new, functions flushed, configuration back to
 * its start values, every client connection closed (except the one asking, over the wire),
 * CLIENT PAUSE lifted, statistics, SLOWLOG and LATENCY cleared, and the clock back to its start
 * (a manual clock to its start time, frozen; a system or offset clock to real time plus its start
 * offset, running). A clock shared with other nodes moves for them too.
 */
import type { Client } from './client.js';
import type { RedisNode } from './node.js';
import { unpauseClients } from './pause.js';

interface StartState {
  config: [string, string][];
  manual: boolean;
  /** Manual: the start time; otherwise the start offset from real time. */
  time: number;
}

const starts = new WeakMap<RedisNode, StartState>();

/** Records the node's state to reset to (RedisSim.start calls it once the node listens). */
export function recordStart(node: RedisNode): void {
  const clock = node.clock;
  const manual = clock.mode === 'manual';
  starts.set(node, {
    config: node.config.all().map((p) => [p.name, node.config.get(p.name)]),
    manual,
    time: manual ? clock.now() : clock.now() - Date.now(),
  });
}

/** Runs a command on a fake client of its own (its reply is dropped). */
function run(node: RedisNode, client: () => Client, ...args: string[]): void {
  const c = client();
  node.execute(c, args);
  c.reply.take();
}

/** Resets the node; `keep` (the client that sent SIM RESET) stays connected. */
export function resetNode(node: RedisNode, fake: () => Client, keep?: Client): void {
  for (const cl of [...node.clients.values()]) {
    if (cl === keep || !cl.transport) continue;
    node.removeClient(cl);
    cl.reply.take();
    cl.transport.close();
  }
  unpauseClients(node);
  node.flushAllData();
  run(node, fake, 'SCRIPT', 'FLUSH');
  run(node, fake, 'FUNCTION', 'FLUSH');
  const start = starts.get(node);
  if (start) {
    for (const [name, value] of start.config) if (node.config.get(name) !== value) node.config.setRaw(name, value);
  }
  run(node, fake, 'CONFIG', 'RESETSTAT');
  run(node, fake, 'SLOWLOG', 'RESET');
  run(node, fake, 'LATENCY', 'RESET');
  if (start) {
    const clock = node.clock;
    if (start.manual) {
      clock.freeze();
      clock.set(start.time);
    } else {
      clock.resume();
      clock.set(Date.now() + start.time);
    }
  }
}
