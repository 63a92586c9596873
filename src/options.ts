/**
 * Validation of RedisSim.start's options, the clock options and configuration parameters: a
 * mistake (an unknown option, `port: 'abc'`, clock `'manul'`, an unknown config name, a control
 * command named `get`) fails the start with an error naming the option and what it accepts,
 * instead of being ignored. Config names and values are checked by the same table and with the
 * same reason texts as CONFIG SET and redis-server's config loading.
 */
import { COMMAND_META_JSON } from './engine/command-meta.js';
import { CONFIG_TABLE, type ConfigParam } from './engine/config-table.js';
import { closest, fail, RedisSimOptionError, unknown } from './engine/option-error.js';

export { RedisSimOptionError };

/**
 * Every option RedisSim.start accepts. An option added to RedisSimOptions is added here too
 * (the validation refuses names it does not know).
 */
export const START_OPTIONS = [
  'port',
  'host',
  'databases',
  'requirepass',
  'clock',
  'config',
  'version',
  'controlCommand',
  'log',
  'rdb',
  'users',
] as const;

const CLOCK_MODES = ['system', 'manual', 'offset'] as const;
const CLOCK_OPTIONS = ['mode', 'start', 'offset'] as const;

/** A millisecond count for clock.advance(): a finite number >= 0 (not a string, not Infinity or NaN). */
export function checkAdvance(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) fail('clock.advance(ms): ms', 'a finite number >= 0', ms);
  return ms;
}

/** A time in ms since the epoch for clock.set(): a finite number. */
export function checkTime(what: string, ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) fail(what, 'a finite number of milliseconds', ms);
  return ms;
}

/** Checks the clock option: a mode name, { mode, start, offset }, or a Clock (checked by the caller). */
export function checkClockOptions(v: unknown, what = "option 'clock'"): void {
  const modes = `one of ${CLOCK_MODES.map((m) => `'${m}'`).join(', ')}`;
  if (typeof v === 'string') {
    if (!(CLOCK_MODES as readonly string[]).includes(v)) fail(what, `${modes}, { mode, start, offset } or a Clock`, v);
    return;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(what, `${modes}, { mode, start, offset } or a Clock`, v);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!(CLOCK_OPTIONS as readonly string[]).includes(k)) unknown(`${what} field`, k, CLOCK_OPTIONS);
  if (o.mode !== undefined && !(CLOCK_MODES as readonly string[]).includes(o.mode as string)) fail(`${what}.mode`, modes, o.mode);
  if (o.start !== undefined) checkTime(`${what}.start`, o.start);
  if (o.offset !== undefined) {
    checkTime(`${what}.offset`, o.offset);
    if (o.mode !== 'offset') fail(`${what}.mode`, "'offset' when offset is given", o.mode);
  }
  if (o.start !== undefined && o.mode !== 'manual') fail(`${what}.mode`, "'manual' when start is given", o.mode);
}

let params: Map<string, ConfigParam> | undefined;
/** A config parameter by name or alias (case-insensitive). */
export function configParam(name: string): ConfigParam | undefined {
  if (!params) {
    params = new Map();
    for (const p of CONFIG_TABLE) {
      params.set(p.name, p);
      for (const a of p.aliases ?? []) params.set(a, p);
    }
  }
  return params.get(name.toLowerCase());
}

/**
 * Validates one configuration value as redis-server's config loading does and returns it
 * normalized (as CONFIG GET shows it). Throws an Error whose message is Redis's reason text
 * ("argument couldn't be parsed into an integer", "Bad directive or wrong number of arguments").
 */
export function normalizeConfig(name: string, value: string, current?: string): string {
  const p = configParam(name);
  if (!p) throw new Error('Bad directive or wrong number of arguments');
  return p.normalize ? p.normalize(value, current ?? p.default) : value;
}

/** Validates the `config` option: known names, values as strings (numbers and booleans converted). */
function checkConfig(v: unknown): Record<string, string> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail("option 'config'", 'an object of parameter names to values', v);
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(v as Record<string, unknown>)) {
    const p = configParam(name);
    if (!p) {
      const names = CONFIG_TABLE.filter((x) => !x.hidden).map((x) => x.name);
      const hint = closest(name, names);
      throw new RedisSimOptionError(
        `config '${name}': Bad directive or wrong number of arguments (not a Redis 7.0 configuration parameter${hint ? `; did you mean '${hint}'?` : ''})`,
      );
    }
    let value: string;
    if (typeof raw === 'string') value = raw;
    else if (typeof raw === 'number' && Number.isFinite(raw)) value = String(raw);
    else if (typeof raw === 'boolean') value = raw ? 'yes' : 'no';
    else fail(`config '${name}'`, 'a string (or a number, or a boolean for yes/no)', raw);
    try {
      normalizeConfig(p.name, value);
    } catch (e) {
      throw new RedisSimOptionError(`config '${name}' '${value}': ${(e as Error).message}`);
    }
    out[name] = value;
  }
  return out;
}

let redisCommands: Set<string> | undefined;
/** Every command name of Redis 7.0 (implemented here or not), lowercase. */
function isRedisCommand(name: string): boolean {
  redisCommands ??= new Set(Object.keys(JSON.parse(COMMAND_META_JSON) as object).filter((n) => !n.includes('|')));
  return redisCommands.has(name);
}

/** Checks a control command name: a word that is not a Redis command; returns it lowercase. */
export function checkControlCommand(v: unknown, what = "option 'controlCommand'"): string | false {
  if (v === false) return false;
  if (typeof v !== 'string' || !/^[A-Za-z][\w.-]*$/.test(v)) fail(what, 'false or a command name (letters, digits, _ . -)', v);
  const name = v.toLowerCase();
  if (name !== 'sim' && isRedisCommand(name)) {
    throw new RedisSimOptionError(
      `${what}: '${v}' is a Redis command; the control command must not hide one (choose another name, e.g. 'sim')`,
    );
  }
  return name;
}

/**
 * Checks RedisSim.start's options (throws RedisSimOptionError) and returns the config they
 * make, as strings. `extra` are option names the caller accepts beyond START_OPTIONS.
 */
export function checkStartOptions(opts: unknown, extra: readonly string[] = []): Record<string, string> {
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) fail('RedisSim.start(options): options', 'an object', opts);
  const o = opts as Record<string, unknown>;
  const known = [...START_OPTIONS, ...extra];
  for (const k of Object.keys(o)) if (!known.includes(k)) unknown('option', k, known);
  if (o.port !== undefined && (typeof o.port !== 'number' || !Number.isInteger(o.port) || o.port < 0 || o.port > 65535)) {
    fail("option 'port'", 'an integer from 0 to 65535 (0, the default, picks a free port)', o.port);
  }
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host === '')) fail("option 'host'", 'an address such as 127.0.0.1', o.host);
  if (o.databases !== undefined && (typeof o.databases !== 'number' || !Number.isInteger(o.databases) || o.databases < 1)) {
    fail("option 'databases'", 'an integer >= 1', o.databases);
  }
  if (o.requirepass !== undefined && typeof o.requirepass !== 'string') fail("option 'requirepass'", 'a string', o.requirepass);
  if (o.version !== undefined && (typeof o.version !== 'string' || !/^\d+\.\d+\.\d+$/.test(o.version))) {
    fail("option 'version'", "a version such as '7.0.15'", o.version);
  }
  if (o.rdb !== undefined && typeof o.rdb !== 'string' && !Buffer.isBuffer(o.rdb))
    fail("option 'rdb'", "an RDB file's path or a Buffer", o.rdb);
  if (
    o.users !== undefined &&
    (!Array.isArray(o.users) || !o.users.every((u) => Array.isArray(u) && u.length >= 1 && u.every((w: unknown) => typeof w === 'string')))
  ) {
    fail("option 'users'", "an array of user lines, each [name, ...rules] (e.g. ['alice', 'on', '>pw', '+@read'])", o.users);
  }
  if (o.log !== undefined && typeof o.log !== 'function') fail("option 'log'", 'a function (level, message) => void', o.log);
  if (o.controlCommand !== undefined) checkControlCommand(o.controlCommand);
  // A Clock instance is recognised by the caller; anything else must be clock options.
  if (o.clock !== undefined && !(typeof o.clock === 'object' && o.clock !== null && 'advance' in o.clock)) checkClockOptions(o.clock);
  const config = o.config === undefined ? {} : checkConfig(o.config);
  if (o.databases !== undefined) config.databases = String(o.databases);
  if (o.requirepass !== undefined) config.requirepass = o.requirepass as string;
  return config;
}
