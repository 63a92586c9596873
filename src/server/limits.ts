/**
 * Connection limits Redis enforces on its clients (networking.c, server.c), applied by the
 * transport:
 *
 * - maxclients: a connection beyond it gets `-ERR max number of clients reached` and is closed
 *   before a client exists (acceptCommonHandler); rejected_connections counts it.
 * - protected-mode (7.0): with protected-mode yes and no password for the default user, a
 *   connection from anywhere but the loopback interface (127.0.0.1, ::1) gets the long -DENIED
 *   error and is closed (clientAcceptHandler). 7.0 no longer looks at bind for this.
 * - client-output-buffer-limit: per class (normal, replica, pubsub), a hard limit closes the
 *   client as soon as its pending output reaches it; a soft limit closes it once the output has
 *   stayed at or above it for more than soft-seconds (seconds of the node's clock). 0 disables.
 * - timeout: a client idle for more than `timeout` seconds (whole seconds of the node's clock,
 *   `now - lastinteraction > timeout`) is closed, unless it is blocked or subscribed
 *   (clientsCronHandleTimeout).
 * - client-query-buffer-limit and the cross-protocol guard live in Connection, where bytes arrive.
 */
import { defaultUserOf } from '../acl/store.js';
import { clientType } from '../commands/client.js';
import type { Client } from '../engine/client.js';
import type { Timer } from '../engine/clock.js';
import type { RedisNode } from '../engine/node.js';

export const MAX_CLIENTS_ERROR = '-ERR max number of clients reached\r\n';

export const PROTECTED_MODE_ERROR =
  '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the ' +
  'default user. In this mode connections are only accepted from the loopback interface. If you want to connect ' +
  'from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected ' +
  "mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis " +
  'from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if ' +
  'you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the ' +
  "protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and " +
  "then restarting the server. 3) If you started the server manually just for testing, restart it with the '--" +
  "protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need " +
  'to do one of the above things in order for the server to start accepting connections from the outside.\r\n';

/** islocalClient: the peer is the loopback interface (IPv4-mapped IPv6 included, as Node reports it). */
export function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** Whether protected mode refuses a connection from `address` (only while the default user is nopass). */
export function protectedModeRefuses(node: RedisNode, address: string | undefined): boolean {
  return node.config.get('protected-mode') === 'yes' && defaultUserOf(node).flags.nopass && !isLoopback(address);
}

interface ObufLimit {
  hard: number;
  soft: number;
  softMs: number;
}

/** Parses client-output-buffer-limit ("normal h s secs slave h s secs pubsub h s secs"). */
function parseObufLimits(v: string): Map<string, ObufLimit> {
  const out = new Map<string, ObufLimit>();
  const p = v.split(' ');
  for (let i = 0; i + 3 < p.length; i += 4) {
    out.set(p[i] as string, { hard: Number(p[i + 1]), soft: Number(p[i + 2]), softMs: Number(p[i + 3]) * 1000 });
  }
  return out;
}

const limitsCache = new WeakMap<RedisNode, { raw: string; parsed: Map<string, ObufLimit> }>();

function obufLimit(node: RedisNode, cls: string): ObufLimit | undefined {
  const raw = node.config.get('client-output-buffer-limit');
  let c = limitsCache.get(node);
  if (!c || c.raw !== raw) {
    c = { raw, parsed: parseObufLimits(raw) };
    limitsCache.set(node, c);
  }
  return c.parsed.get(cls);
}

/** Per-client soft-limit state: when the output first reached the soft limit (0 = below it). */
const softReachedAt = new WeakMap<Client, number>();

/**
 * checkClientOutputBufferLimits: true when `c`, with `pending` bytes of output not yet accepted
 * by the socket, must be closed.
 */
export function outputBufferLimitReached(c: Client, pending: number): boolean {
  // Nothing pending (the common case: the write went through at once) is under every limit.
  if (pending === 0) {
    softReachedAt.delete(c);
    return false;
  }
  const type = clientType(c);
  const lim = obufLimit(c.node, type === 'master' ? 'normal' : type);
  if (!lim) return false;
  if (lim.hard > 0 && pending >= lim.hard) return true;
  if (lim.soft > 0 && pending >= lim.soft) {
    const now = c.node.clock.now();
    const since = softReachedAt.get(c);
    if (since === undefined) {
      softReachedAt.set(c, now);
      return false;
    }
    // Redis compares whole seconds of server.unixtime: elapsed > soft_seconds.
    return Math.floor(now / 1000) - Math.floor(since / 1000) > lim.softMs / 1000;
  }
  softReachedAt.delete(c);
  return false;
}

/** Closes clients idle for more than `timeout` seconds, on the node's clock. */
export class IdleReaper {
  private timer: Timer | undefined;
  private armedAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly node: RedisNode,
    private readonly close: (c: Client) => void,
  ) {
    node.config.onChange('timeout', () => this.arm());
  }

  private get timeoutMs(): number {
    return Number(this.node.config.get('timeout')) * 1000;
  }

  /** A client that can be closed for idleness (clientsCronHandleTimeout's conditions). */
  private eligible(c: Client): boolean {
    return !c.blocked && c.subscriptionCount === 0 && clientType(c) !== 'slave';
  }

  /** The time at which `c` becomes idle for too long: when whole seconds differ by more than timeout. */
  private deadline(c: Client, timeoutMs: number): number {
    return (Math.floor(c.lastInteraction / 1000) + 1) * 1000 + timeoutMs;
  }

  /** A client connected: make sure the check runs by its deadline. */
  added(c: Client): void {
    const timeoutMs = this.timeoutMs;
    if (timeoutMs <= 0) return;
    if (this.timer && this.armedAt <= this.deadline(c, timeoutMs)) return;
    this.arm();
  }

  /** (Re)schedules the check at the earliest deadline; called when clients come and config changes. */
  arm(): void {
    const timeoutMs = this.timeoutMs;
    if (timeoutMs <= 0 || this.node.clients.size === 0) {
      this.cancel();
      return;
    }
    const now = this.node.clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const c of this.node.clients.values()) {
      // A blocked or subscribed client is looked at again a whole timeout later.
      const d = this.eligible(c) ? this.deadline(c, timeoutMs) : now + timeoutMs;
      if (d < next) next = d;
    }
    if (this.timer && next >= this.armedAt) return;
    this.cancel();
    this.armedAt = next;
    this.timer = this.node.clock.setTimer(Math.max(next, now), () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const timeoutMs = this.timeoutMs;
    if (timeoutMs > 0) {
      const nowSec = Math.floor(this.node.clock.now() / 1000);
      for (const c of [...this.node.clients.values()]) {
        if (!this.eligible(c) || !c.transport) continue;
        if (nowSec - Math.floor(c.lastInteraction / 1000) > timeoutMs / 1000) {
          this.node.log('verbose', 'Closing idle client');
          this.close(c);
        }
      }
    }
    this.arm();
  }

  cancel(): void {
    this.node.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
  }
}
