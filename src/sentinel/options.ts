/**
 * Validation of RedisSentinel.start's options: an unknown option or an invalid value fails the
 * start with a RedisSimOptionError naming it and what it accepts.
 */
import { fail, unknown } from '../engine/option-error.js';

const SENTINEL_OPTIONS = ['masters', 'port', 'host', 'clock', 'myid', 'log'] as const;
const SENTINEL_MASTER_OPTIONS = [
  'name',
  'primary',
  'replicas',
  'quorum',
  'downAfterMilliseconds',
  'failoverTimeout',
  'parallelSyncs',
] as const;

/** A RedisSim of this process, or an address { host, port } to watch over TCP. */
function isNodeLike(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if ('node' in v && 'port' in v && 'killed' in v) return true;
  const a = v as Record<string, unknown>;
  return (
    Object.keys(a).every((k) => k === 'host' || k === 'port') &&
    typeof a.host === 'string' &&
    a.host !== '' &&
    typeof a.port === 'number' &&
    Number.isInteger(a.port) &&
    a.port > 0 &&
    a.port < 65536
  );
}

/** Checks RedisSentinel.start's options (throws RedisSimOptionError). */
export function checkSentinelOptions(opts: unknown): void {
  const what = 'RedisSentinel.start(options)';
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) fail(`${what}: options`, 'an object', opts);
  const o = opts as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!(SENTINEL_OPTIONS as readonly string[]).includes(k)) unknown('sentinel option', k, SENTINEL_OPTIONS);
  if (o.port !== undefined && (typeof o.port !== 'number' || !Number.isInteger(o.port) || o.port < 0 || o.port > 65535)) {
    fail("option 'port'", 'an integer from 0 to 65535 (0, the default, picks a free port)', o.port);
  }
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host === '')) fail("option 'host'", 'an address such as 127.0.0.1', o.host);
  if (o.clock !== undefined && !(typeof o.clock === 'object' && o.clock !== null && 'advance' in o.clock)) {
    fail("option 'clock'", "a Clock (e.g. another node's sim.clock)", o.clock);
  }
  if (o.myid !== undefined && (typeof o.myid !== 'string' || !/^[0-9a-fA-F]{40}$/.test(o.myid))) {
    fail("option 'myid'", 'a run ID of 40 hexadecimal characters', o.myid);
  }
  if (o.log !== undefined && typeof o.log !== 'function') fail("option 'log'", 'a function (level, message) => void', o.log);
  if (!Array.isArray(o.masters) || o.masters.length === 0)
    fail("option 'masters'", 'a non-empty array of { name, primary, replicas? }', o.masters);
  const names = new Set<string>();
  o.masters.forEach((m: unknown, i: number) => {
    const at = `masters[${i}]`;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) fail(at, 'an object { name, primary, replicas? }', m);
    const g = m as Record<string, unknown>;
    for (const k of Object.keys(g))
      if (!(SENTINEL_MASTER_OPTIONS as readonly string[]).includes(k)) unknown(`${at} option`, k, SENTINEL_MASTER_OPTIONS);
    if (typeof g.name !== 'string' || g.name === '' || /\s/.test(g.name)) fail(`${at}.name`, 'a non-empty name without spaces', g.name);
    if (names.has(g.name)) fail(`${at}.name`, 'unique among the masters', g.name);
    names.add(g.name);
    if (!isNodeLike(g.primary)) fail(`${at}.primary`, 'a started RedisSim or an address { host, port }', g.primary);
    if (g.replicas !== undefined && (!Array.isArray(g.replicas) || !g.replicas.every(isNodeLike))) {
      fail(`${at}.replicas`, 'an array of started RedisSim nodes or addresses { host, port }', g.replicas);
    }
    for (const k of ['quorum', 'downAfterMilliseconds', 'failoverTimeout', 'parallelSyncs'] as const) {
      const v = g[k];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)) fail(`${at}.${k}`, 'an integer >= 1', v);
    }
  });
}
