/**
 * Conversions between Redis replies and Lua values, exactly as Redis 7.0 documents them.
 *
 * Reply → Lua (redis.call results), by the script client's protocol (redis.setresp):
 *   integer → number; bulk → string; null bulk / null array (RESP2) → false; RESP3 null → nil;
 *   status → {ok=s}; error → {err="CODE msg"}; array → table; RESP3 map → {map={k=v}};
 *   set → {set={m=true}}; boolean → boolean; double → {double=d}; big number → {big_number=s};
 *   verbatim → {verbatim_string={format=f, string=s}}.
 *
 * Lua → reply (a script's return value): string → bulk; number → integer (truncated toward zero);
 * true → :1 (RESP2 script) or #t; false → null (RESP2 script) or #f; table with a string `err`
 * → error; `ok` → status; `double`, `big_number`, `verbatim_string`, `map`, `set` (RESP3 shapes);
 * any other table → array of t[1], t[2], ... up to the first nil; anything else → null.
 */
import type { Reply } from '../protocol/reply.js';
import {
  RespBigNumber,
  RespDouble,
  RespError,
  RespMap,
  RespPush,
  RespSet,
  RespStatus,
  type RespValue,
  RespVerbatim,
} from '../protocol/reply-parser.js';
import { LuaTable, type LuaValue } from './lua/runtime.js';

function single(key: string, value: LuaValue): LuaTable {
  const t = new LuaTable();
  t.set(key, value);
  return t;
}

/** luaPushErrorBuff: "-CODE msg" or "msg" → {err="CODE msg"} (code ERR when missing). */
export function errorTable(raw: string): LuaTable {
  let code = 'ERR';
  let msg = raw;
  if (raw.startsWith('-')) {
    const sp = raw.indexOf(' ');
    if (sp < 0) msg = raw.slice(1);
    else {
      code = raw.slice(1, sp);
      msg = raw.slice(sp + 1);
    }
  }
  msg = msg.replace(/^[\r\n]+|[\r\n]+$/g, '');
  return single('err', `${code} ${msg}`);
}

export function replyToLua(v: RespValue, resp: 2 | 3): LuaValue {
  if (v === null) return resp === 2 ? false : undefined;
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return v;
    case 'bigint':
      return Number(v);
    case 'boolean':
      return v;
  }
  if (Array.isArray(v)) {
    const t = new LuaTable();
    const arr: LuaValue[] = [];
    for (const x of v) arr.push(replyToLua(x, resp));
    // An element that is nil (RESP3 null) leaves a hole, as lua_settable with nil does.
    for (let i = 0; i < arr.length; i++) t.set(i + 1, arr[i]);
    return t;
  }
  if (v instanceof RespStatus) return single('ok', v.value);
  if (v instanceof RespError) {
    const t = commandErrorTable(`-${v.message}`);
    return t;
  }
  if (v instanceof RespDouble) return single('double', v.value);
  if (v instanceof RespBigNumber) return single('big_number', v.text);
  if (v instanceof RespVerbatim) {
    const inner = new LuaTable();
    inner.set('string', v.text);
    inner.set('format', v.format);
    return single('verbatim_string', inner);
  }
  if (v instanceof RespMap) {
    const m = new LuaTable();
    for (const [k, x] of v.entries) {
      const lk = replyToLua(k, resp);
      if (lk !== undefined) m.set(lk, replyToLua(x, resp));
    }
    return single('map', m);
  }
  if (v instanceof RespSet) {
    const s = new LuaTable();
    for (const x of v.items) {
      const lk = replyToLua(x, resp);
      if (lk !== undefined) s.set(lk, true);
    }
    return single('set', s);
  }
  if (v instanceof RespPush) return replyToLua(v.items, resp);
  return undefined;
}

/**
 * Writes an error reply; with `noStats` it is not counted in INFO errorstats again (an error a
 * command inside the script already counted: Redis's ignore_error_stats_update).
 */
export function errorNoStats(out: Reply, msg: string, noStats: boolean): void {
  if (!noStats) {
    out.error(msg);
    return;
  }
  const h = out.onError;
  out.onError = undefined;
  try {
    out.error(msg);
  } finally {
    out.onError = h;
  }
}

/** A command's error reply as a Lua error table, marked as already counted in errorstats. */
export function commandErrorTable(raw: string): LuaTable {
  const t = errorTable(raw);
  t.set('ignore_error_stats_update', true);
  return t;
}

/** (long long) cast of a double as x86-64 does it: out of range and NaN give INT64_MIN. */
export function doubleToInt64(d: number): string {
  if (Number.isNaN(d) || d >= 2 ** 63 || d < -(2 ** 63)) return '-9223372036854775808';
  const t = Math.trunc(d);
  return Number.isSafeInteger(t) ? String(t) : BigInt(t).toString();
}

/**
 * Redis converts a script's result on the Lua stack and checks, before each value, that 4 more slots
 * fit under LUAI_MAXCSTACK (8000) counted from the stack base: the top-level result sits at slot 2
 * (above the error handler), an array element one slot above its table, a set member 3 above, a map
 * key 4 and a map value 3 above theirs. A value past the limit becomes `-ERR reached lua stack
 * limit` in place of that element (the enclosing arrays keep their lengths), so a self-referencing
 * table is sent as 7995 nested `*1` and that error.
 */
const LUA_MAXCSTACK = 8000;
const TOP_SLOT = 2;

/**
 * Writes a Lua value as the script's reply. `scriptResp` is the protocol the script selected with
 * redis.setresp (it decides how booleans are sent); the reply itself follows the caller's
 * protocol through `out`. Iterative (an explicit work stack) so nesting to Redis's limit never
 * depends on the JavaScript stack.
 */
export function luaToReply(out: Reply, value: LuaValue, scriptResp: 2 | 3): void {
  const work: { v: LuaValue; slot: number }[] = [{ v: value, slot: TOP_SLOT }];
  for (let item = work.pop(); item; item = work.pop()) {
    const { v, slot } = item;
    if (slot + 4 > LUA_MAXCSTACK) {
      out.error('ERR reached lua stack limit');
      continue;
    }
    switch (typeof v) {
      case 'string':
        out.bulk(v);
        continue;
      case 'number':
        out.raw(`:${doubleToInt64(v)}\r\n`);
        continue;
      case 'boolean':
        if (scriptResp === 2) {
          if (v) out.raw(':1\r\n');
          else out.nil();
        } else out.bool(v);
        continue;
    }
    if (!(v instanceof LuaTable)) {
      out.nil();
      continue;
    }
    const children = tableToReply(out, v);
    if (!children) continue;
    // Children are pushed in reverse so the work stack pops them in reply order.
    for (let i = children.length - 1; i >= 0; i--) {
      const [cv, off] = children[i] as [LuaValue, number];
      work.push({ v: cv, slot: slot + off });
    }
  }
}

/**
 * Writes a table's own reply (error, status, double, big number, verbatim) or the header of its
 * aggregate; returns the aggregate's elements with their Lua stack offsets from the table's slot.
 */
function tableToReply(out: Reply, v: LuaTable): [LuaValue, number][] | undefined {
  const err = v.getStr('err');
  if (typeof err === 'string') {
    errorNoStats(out, err, v.getStr('ignore_error_stats_update') === true);
    return undefined;
  }
  const ok = v.getStr('ok');
  if (typeof ok === 'string') {
    out.simple(ok.replace(/[\r\n]/g, ' '));
    return undefined;
  }
  const dbl = v.getStr('double');
  if (typeof dbl === 'number') {
    out.double(dbl);
    return undefined;
  }
  const big = v.getStr('big_number');
  if (typeof big === 'string') {
    out.bigNumber(big.replace(/[\r\n]/g, ' '));
    return undefined;
  }
  const verb = v.getStr('verbatim_string');
  if (verb instanceof LuaTable) {
    const fmt = verb.getStr('format');
    const str = verb.getStr('string');
    if (typeof fmt === 'string' && typeof str === 'string') {
      out.verbatim(str, fmt.slice(0, 3));
      return undefined;
    }
  }
  const map = v.getStr('map');
  if (map instanceof LuaTable) {
    // Stack while iterating: table, map, key, value, copy of the key.
    const children: [LuaValue, number][] = [];
    let k: LuaValue;
    for (let e = map.next(undefined); e; e = map.next(k)) {
      k = e[0];
      children.push([e[0], 4], [e[1], 3]);
    }
    out.mapLen(children.length / 2);
    return children;
  }
  const set = v.getStr('set');
  if (set instanceof LuaTable) {
    // Stack while iterating: table, set, key, copy of the key.
    const children: [LuaValue, number][] = [];
    let k: LuaValue;
    for (let e = set.next(undefined); e; e = set.next(k)) {
      k = e[0];
      children.push([k, 3]);
    }
    out.setLen(children.length);
    return children;
  }
  const children: [LuaValue, number][] = [];
  for (let x = v.get(1); x !== undefined; x = v.get(children.length + 1)) children.push([x, 1]);
  out.arrayLen(children.length);
  return children;
}
