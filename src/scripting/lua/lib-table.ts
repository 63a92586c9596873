/**
 * Lua 5.1's table library: insert remove concat sort getn setn maxn foreach foreachi.
 */
import { argError, checkInt, checkTable, libTable, optInt, optStr } from './lib-util.js';
import { alloc } from './memory.js';
import { ccall, EMPTY, type LuaTable, type LuaValue, lt, rtError, tostr, truthy, type } from './runtime.js';

export function tableLib(): LuaTable {
  return libTable({
    insert: (...a) => {
      const t = checkTable(a, 0, 'insert');
      const e = t.length() + 1;
      let pos: number;
      let v: LuaValue;
      if (a.length === 2) {
        pos = e;
        v = a[1];
      } else if (a.length === 3) {
        pos = checkInt(a, 1, 'insert');
        v = a[2];
        if (pos > e) {
          // Lua 5.1 grows the table to `pos`.
        }
        for (let i = e; i > pos; i--) t.set(i, t.get(i - 1));
      } else {
        return rtError("wrong number of arguments to 'insert'");
      }
      if (t.readonly) rtError('Attempt to modify a readonly table');
      t.set(pos, v);
      return EMPTY;
    },
    remove: (...a) => {
      const t = checkTable(a, 0, 'remove');
      const e = t.length();
      let pos = optInt(a, 1, 'remove', e);
      if (e === 0) return EMPTY;
      if (a.length < 2) pos = e;
      const v = t.get(pos);
      for (; pos < e; pos++) t.set(pos, t.get(pos + 1));
      t.set(e, undefined);
      return [v];
    },
    concat: (...a) => {
      const t = checkTable(a, 0, 'concat');
      const sep = optStr(a, 1, 'concat', '');
      const i = optInt(a, 2, 'concat', 1);
      const j = a[3] === undefined ? t.length() : checkInt(a, 3, 'concat');
      const parts: string[] = [];
      let size = 0;
      for (let k = i; k <= j; k++) {
        const v = t.get(k);
        const s = tostr(v);
        if (s === undefined) rtError(`invalid value (${type(v)}) at index ${k} in table for 'concat'`);
        parts.push(s as string);
        size += (s as string).length + sep.length;
        // The parts array itself grows in the heap too: counted every 4096 parts.
        if ((parts.length & 4095) === 0) alloc(4096 * 8);
      }
      // join() builds the result flat: its bytes are checked before they exist.
      alloc(size);
      return [parts.join(sep)];
    },
    sort: (...a) => {
      const t = checkTable(a, 0, 'sort');
      const n = t.length();
      const cmp = a[1];
      if (cmp !== undefined && typeof cmp !== 'function') argError(2, 'sort', `function expected, got ${type(cmp)}`);
      const less =
        cmp === undefined ? (x: LuaValue, y: LuaValue) => lt(x, y, -1) : (x: LuaValue, y: LuaValue) => truthy(ccall(cmp, [x, y])[0]);
      auxsort(t, 1, n, less);
      return EMPTY;
    },
    getn: (...a) => [checkTable(a, 0, 'getn').length()],
    setn: () => rtError("'setn' is obsolete"),
    maxn: (...a) => {
      const t = checkTable(a, 0, 'maxn');
      let max = 0;
      let k: LuaValue;
      for (let e = t.next(undefined); e; e = t.next(k)) {
        k = e[0];
        if (typeof k === 'number' && k > max) max = k;
      }
      return [max];
    },
    foreach: (...a) => {
      const t = checkTable(a, 0, 'foreach');
      let k: LuaValue;
      for (let e = t.next(undefined); e; e = t.next(k)) {
        k = e[0];
        const r = ccall(a[1], [e[0], e[1]])[0];
        if (r !== undefined) return [r];
      }
      return EMPTY;
    },
    foreachi: (...a) => {
      const t = checkTable(a, 0, 'foreachi');
      const n = t.length();
      for (let i = 1; i <= n; i++) {
        const r = ccall(a[1], [i, t.get(i)])[0];
        if (r !== undefined) return [r];
      }
      return EMPTY;
    },
  });
}

/**
 * ltablib.c's quicksort, on the table itself: median of three, then partition around a[u-1].
 * Not stable, so elements that compare equal end where Lua 5.1 leaves them; an inconsistent
 * comparator runs off the range and raises "invalid order function for sorting".
 */
function auxsort(t: LuaTable, l: number, u: number, less: (x: LuaValue, y: LuaValue) => boolean): void {
  while (l < u) {
    if (less(t.get(u), t.get(l))) swap(t, l, u);
    if (u - l === 1) break;
    let i = Math.floor((l + u) / 2);
    if (less(t.get(i), t.get(l))) swap(t, i, l);
    else if (less(t.get(u), t.get(i))) swap(t, i, u);
    if (u - l === 2) break;
    const p = t.get(i);
    swap(t, i, u - 1);
    i = l;
    let j = u - 1;
    for (;;) {
      while (less(t.get(++i), p)) {
        if (i > u) rtError('invalid order function for sorting');
      }
      while (less(p, t.get(--j))) {
        if (j < l) rtError('invalid order function for sorting');
      }
      if (j < i) break;
      swap(t, i, j);
    }
    swap(t, u - 1, i);
    // Recurse into the smaller half, loop on the larger.
    let lo: number;
    let hi: number;
    if (i - l < u - i) {
      lo = l;
      hi = i - 1;
      l = i + 1;
    } else {
      lo = i + 1;
      hi = u;
      u = i - 1;
    }
    auxsort(t, lo, hi, less);
  }
}

function swap(t: LuaTable, i: number, j: number): void {
  const x = t.get(i);
  t.set(i, t.get(j));
  t.set(j, x);
}
