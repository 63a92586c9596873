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
 * Writes a Lua value as the script's reply. `scriptResp` is the protocol the script selected with
 * redis.setresp (it decides how booleans are sent); the reply itself follows the caller's
 * protocol through `out`.
 */
export function luaToReply(out: Reply, v: LuaValue, scriptResp: 2 | 3, depth = 0): void {
  switch (typeof v) {
    case 'string':
      out.bulk(v);
      return;
    case 'number':
      out.raw(`:${doubleToInt64(v)}\r\n`);
      return;
    case 'boolean':
      if (scriptResp === 2) {
        if (v) out.raw(':1\r\n');
        else out.nil();
      } else out.bool(v);
      return;
  }
  if (!(v instanceof LuaTable) || depth > 1000) {
    out.nil();
    return;
  }
  const err = v.getStr('err');
  if (typeof err === 'string') {
    errorNoStats(out, err, v.getStr('ignore_error_stats_update') === true);
    return;
  }
  const ok = v.getStr('ok');
  if (typeof ok === 'string') {
    out.simple(ok.replace(/[\r\n]/g, ' '));
    return;
  }
  const dbl = v.getStr('double');
  if (typeof dbl === 'number') {
    out.double(dbl);
    return;
  }
  const big = v.getStr('big_number');
  if (typeof big === 'string') {
    out.bigNumber(big.replace(/[\r\n]/g, ' '));
    return;
  }
  const verb = v.getStr('verbatim_string');
  if (verb instanceof LuaTable) {
    const fmt = verb.getStr('format');
    const str = verb.getStr('string');
    if (typeof fmt === 'string' && typeof str === 'string') {
      out.verbatim(str, fmt.slice(0, 3));
      return;
    }
  }
  const map = v.getStr('map');
  if (map instanceof LuaTable) {
    const entries: [LuaValue, LuaValue][] = [];
    let k: LuaValue;
    for (let e = map.next(undefined); e; e = map.next(k)) {
      k = e[0];
      entries.push(e);
    }
    out.mapLen(entries.length);
    for (const [ek, ev] of entries) {
      luaToReply(out, ek, scriptResp, depth + 1);
      luaToReply(out, ev, scriptResp, depth + 1);
    }
    return;
  }
  const set = v.getStr('set');
  if (set instanceof LuaTable) {
    const items: LuaValue[] = [];
    let k: LuaValue;
    for (let e = set.next(undefined); e; e = set.next(k)) {
      k = e[0];
      items.push(k);
    }
    out.setLen(items.length);
    for (const it of items) luaToReply(out, it, scriptResp, depth + 1);
    return;
  }
  let n = 0;
  while (v.get(n + 1) !== undefined) n++;
  out.arrayLen(n);
  for (let i = 1; i <= n; i++) luaToReply(out, v.get(i), scriptResp, depth + 1);
}
