/**
 * Lua 5.1's table, laid out exactly as ltable.c lays it out, so that everything that depends on
 * the layout answers as in Redis: the order `next`/`pairs` walk (and with it cjson.encode's key
 * order, cmsgpack.pack's, and a script's reply built by iterating), and the border the length
 * operator `#` finds in a table with holes.
 *
 * The layout: an array part of `sizearray` slots (keys 1..sizearray, holes allowed) and a hash
 * part of 2^k nodes (key, value, next). A new key goes to its main position (the key's hash modulo
 * the node count); on a collision, if the occupant is itself out of its main position it is moved
 * to a free node, otherwise the new key takes the free node, which `lastfree` finds by walking
 * down from the end. When no node is free the table is rehashed: the array part becomes the
 * largest power of two more than half full of integer keys, the hash part the next power of two
 * holding the rest, and every key is reinserted (hash nodes from the last to the first).
 *
 * Hashes are Lua 5.1.5's as Redis builds it: strings hash every byte (Redis's patch: step 1),
 * numbers add the two 32-bit halves of the double and take it modulo (size-1)|1, booleans are 0/1,
 * other objects hash their address (ours are the fake addresses `tostring` prints, so only their
 * order differs from Redis, where it varies from run to run anyway).
 *
 * A key whose value becomes nil stays in its node (a "dead" key, still valid for `next`) until a
 * rehash drops it; as in Lua, assigning nil to an absent key creates such a node. Lua's collector
 * may later mark dead keys so a re-added key takes a new node; that timing is not modelled.
 *
 * Lookups go through `idx`, a Map from key to node, instead of Lua's chains: the same answers,
 * without hashing the string again on every access.
 */

import { addressOf, cError, rtError } from './errors.js';
import { alloc, TABLE_BYTES } from './memory.js';
import type { LuaValue } from './runtime.js';

/** Lua 5.1 (32-bit int) keeps array indices to 2^26. */
const MAXBITS = 26;
const MAXASIZE = 1 << MAXBITS;

function ceilLog2(x: number): number {
  return x <= 1 ? 0 : 32 - Math.clz32(x - 1);
}

/** The size OP_NEWTABLE really asks for: luaO_fb2int(luaO_int2fb(n)), a "floating point byte". */
export function fbRound(n: number): number {
  if (n < 8) return n;
  let e = 0;
  while (n >= 16) {
    n = (n + 1) >> 1;
    e++;
  }
  return n * 2 ** e;
}

/** luaS_newlstr's hash with Redis's step of 1: every byte, from the last to the first. */
export function stringHash(s: string): number {
  let h = s.length >>> 0;
  for (let i = s.length; i > 0; i--) h = (h ^ (((h << 5) >>> 0) + (h >>> 2) + (s.charCodeAt(i - 1) & 0xff))) >>> 0;
  return h;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** arrayindex(): the key as an int when it is a number with an int value, else -1. */
function arrayIndex(k: LuaValue): number {
  if (typeof k === 'number' && Number.isInteger(k) && k >= -2147483648 && k <= 2147483647) return k;
  return -1;
}

export class LuaTable {
  /** The array part: arr[i] is t[i+1]; its length is Lua's sizearray (holes are undefined). */
  arr: LuaValue[] = [];
  /** The hash part (undefined: Lua's shared empty `dummynode`). */
  private keys: LuaValue[] | undefined = undefined;
  private vals: LuaValue[] = [];
  private nexts: Int32Array | undefined = undefined;
  /** Free-node cursor: nodes at and above it have been handed out or checked. */
  private lastfree = 0;
  /** Key → node, dead keys included (they answer `next` until a rehash). */
  private idx: Map<LuaValue, number> | undefined = undefined;
  mt: LuaTable | undefined = undefined;
  readonly = false;

  constructor() {
    alloc(TABLE_BYTES);
  }

  /** A table presized as lua_createtable / OP_NEWTABLE(narray, nhash). */
  static sized(narray: number, nhash: number): LuaTable {
    const t = new LuaTable();
    alloc(narray * 8 + nhash * 48);
    if (narray > 0) t.arr = nils(narray);
    if (nhash > 0) t.setNodeVector(nhash);
    return t;
  }

  get(k: LuaValue): LuaValue {
    if (typeof k === 'number') {
      const v = this.arr[k - 1];
      if (v !== undefined) return v;
    }
    const m = this.idx;
    if (m === undefined) return undefined;
    const n = m.get(k);
    return n === undefined ? undefined : this.vals[n];
  }

  getStr(k: string): LuaValue {
    const m = this.idx;
    if (m === undefined) return undefined;
    const n = m.get(k);
    return n === undefined ? undefined : this.vals[n];
  }

  /** Raw set (luaH_set then the assignment): nil and NaN keys raise Lua's errors. */
  set(k: LuaValue, v: LuaValue): void {
    if (typeof k === 'number') {
      if (k >= 1 && k <= this.arr.length && Number.isInteger(k)) {
        this.arr[k - 1] = v;
        return;
      }
      if (Number.isNaN(k)) rtError('table index is NaN');
    } else if (k === undefined) {
      rtError('table index is nil');
    }
    const m = this.idx;
    if (m !== undefined) {
      const n = m.get(k);
      if (n !== undefined) {
        this.vals[n] = v;
        return;
      }
    }
    const n = this.newKey(k);
    if (n >= 0) this.vals[n] = v;
    else this.set(k, v); // rehashed: the key may now belong to the array part
  }

  /** The keys and values of the hash part that are alive (for walks that need no order). */
  *hashValues(): Generator<LuaValue> {
    const keys = this.keys;
    if (keys === undefined) return;
    for (let i = 0; i < keys.length; i++) if (this.vals[i] !== undefined) yield this.vals[i];
  }

  /** luaH_getn: a border; binary search in the array part, unbound search past it. */
  length(): number {
    let j = this.arr.length;
    if (j > 0 && this.arr[j - 1] === undefined) {
      let i = 0;
      while (j - i > 1) {
        const m = (i + j) >>> 1;
        if (this.arr[m - 1] === undefined) j = m;
        else i = m;
      }
      return i;
    }
    if (this.keys === undefined) return j;
    return this.unboundSearch(j);
  }

  private unboundSearch(start: number): number {
    let i = start;
    let j = start + 1;
    while (this.get(j) !== undefined) {
      i = j;
      j *= 2;
      if (j > 2147483647) {
        i = 1;
        while (this.get(i) !== undefined) i++;
        return i - 1;
      }
    }
    while (j - i > 1) {
      const m = Math.floor((i + j) / 2);
      if (this.get(m) === undefined) j = m;
      else i = m;
    }
    return i;
  }

  /** luaH_next: the entry after `k` (array part in index order, then nodes in node order). */
  next(k: LuaValue): [LuaValue, LuaValue] | undefined {
    const a = this.arr;
    let i: number;
    if (k === undefined) i = -1;
    else if (typeof k === 'number' && k >= 1 && k <= a.length && Number.isInteger(k)) i = k - 1;
    else {
      const n = this.idx?.get(k);
      if (n === undefined) return cError("invalid key to 'next'");
      i = n + a.length;
    }
    for (i++; i < a.length; i++) {
      const v = a[i];
      if (v !== undefined) return [i + 1, v];
    }
    const keys = this.keys;
    if (keys === undefined) return undefined;
    const vals = this.vals;
    for (i -= a.length; i < keys.length; i++) {
      const v = vals[i];
      if (v !== undefined) return [keys[i], v];
    }
    return undefined;
  }

  // ---- the hash part ------------------------------------------------------------------------------

  private setNodeVector(size: number): void {
    if (size === 0) {
      this.keys = undefined;
      this.vals = [];
      this.nexts = undefined;
      this.idx = undefined;
      this.lastfree = 0;
      return;
    }
    const lsize = ceilLog2(size);
    if (lsize > MAXBITS) rtError('table overflow');
    const n = 2 ** lsize;
    this.keys = nils(n);
    this.vals = nils(n);
    this.nexts = new Int32Array(n).fill(-1);
    this.idx = new Map();
    this.lastfree = n;
  }

  /** mainposition(): the node a key hashes to. */
  private mainPosition(k: LuaValue): number {
    const size = (this.keys as LuaValue[]).length;
    switch (typeof k) {
      case 'string':
        return stringHash(k) & (size - 1);
      case 'boolean':
        return (k ? 1 : 0) & (size - 1);
      case 'number': {
        if (k === 0) return 0;
        f64[0] = k;
        return (((u32[0] as number) + (u32[1] as number)) >>> 0) % ((size - 1) | 1);
      }
      default:
        return (Number.parseInt(addressOf(k as object).slice(2), 16) % 2 ** 32) % ((size - 1) | 1);
    }
  }

  private getFreePos(): number {
    const keys = this.keys as LuaValue[];
    while (this.lastfree > 0) {
      this.lastfree--;
      if (keys[this.lastfree] === undefined) return this.lastfree;
    }
    return -1;
  }

  /** newkey(): places a key absent from the table; -1 when the table had to be rehashed first. */
  private newKey(k: LuaValue): number {
    const keys = this.keys;
    if (keys === undefined) {
      this.rehash(k);
      return -1;
    }
    const vals = this.vals;
    const nexts = this.nexts as Int32Array;
    const idx = this.idx as Map<LuaValue, number>;
    let mp = this.mainPosition(k);
    if (vals[mp] !== undefined) {
      const free = this.getFreePos();
      if (free < 0) {
        this.rehash(k);
        return -1;
      }
      const other = this.mainPosition(keys[mp]);
      if (other !== mp) {
        // The occupant is out of its main position: move it to the free node, relinking its chain.
        let prev = other;
        while (nexts[prev] !== mp) prev = nexts[prev] as number;
        nexts[prev] = free;
        keys[free] = keys[mp];
        vals[free] = vals[mp];
        nexts[free] = nexts[mp] as number;
        idx.set(keys[free], free);
        nexts[mp] = -1;
        vals[mp] = undefined;
      } else {
        // The occupant is at home: the new key takes the free node, chained after it.
        nexts[free] = nexts[mp] as number;
        nexts[mp] = free;
        mp = free;
      }
    }
    // The node may hold a dead key (value nil): the new key replaces it, keeping the chain link.
    const old = keys[mp];
    if (old !== undefined && idx.get(old) === mp) idx.delete(old);
    keys[mp] = k;
    idx.set(k, mp);
    return mp;
  }

  /** rehash(): sizes both parts for the live keys plus `extra`, then reinserts everything. */
  private rehash(extra: LuaValue): void {
    const nums = new Array<number>(MAXBITS + 1).fill(0);
    let nasize = this.countArray(nums);
    let total = nasize;
    const keys = this.keys;
    if (keys !== undefined) {
      for (let i = keys.length - 1; i >= 0; i--) {
        if (this.vals[i] !== undefined) {
          nasize += countInt(keys[i], nums);
          total++;
        }
      }
    }
    nasize += countInt(extra, nums);
    total++;
    // computesizes(): the largest 2^i with more than 2^i/2 of the keys 1..2^i present.
    let a = 0;
    let na = 0;
    let n = 0;
    for (let i = 0, twotoi = 1; twotoi / 2 < nasize; i++, twotoi *= 2) {
      const c = nums[i] as number;
      if (c > 0) {
        a += c;
        if (a > twotoi / 2) {
          n = twotoi;
          na = a;
        }
      }
      if (a === nasize) break;
    }
    this.resize(n, total - na);
  }

  /** numusearray(): counts the array part's non-nil slots per power-of-two slice. */
  private countArray(nums: number[]): number {
    const a = this.arr;
    let used = 0;
    let i = 1;
    for (let lg = 0, ttlg = 1; lg <= MAXBITS; lg++, ttlg *= 2) {
      let lim = ttlg;
      if (lim > a.length) {
        lim = a.length;
        if (i > lim) break;
      }
      let c = 0;
      for (; i <= lim; i++) if (a[i - 1] !== undefined) c++;
      nums[lg] = (nums[lg] as number) + c;
      used += c;
    }
    return used;
  }

  /** resize(): new array and hash parts; vanishing array slots, then old nodes last to first, reinserted. */
  private resize(nasize: number, nhsize: number): void {
    // Counted before anything moves: a memory error leaves the table as it was. An array slot
    // costs a pointer; a node its key, value, chain link and index entry.
    alloc(Math.max(0, nasize - this.arr.length) * 8 + nhsize * 48);
    const oldArr = this.arr;
    const oldKeys = this.keys;
    const oldVals = this.vals;
    if (nasize > oldArr.length) {
      const grown = oldArr.slice();
      for (let i = oldArr.length; i < nasize; i++) grown.push(undefined);
      this.arr = grown;
    }
    this.setNodeVector(nhsize);
    if (nasize < oldArr.length) {
      this.arr = oldArr.slice(0, nasize);
      for (let i = nasize; i < oldArr.length; i++) if (oldArr[i] !== undefined) this.set(i + 1, oldArr[i]);
    }
    if (oldKeys !== undefined) {
      for (let i = oldKeys.length - 1; i >= 0; i--) if (oldVals[i] !== undefined) this.set(oldKeys[i], oldVals[i]);
    }
  }

  /** luaH_resizearray(): grows the array part to `nasize`, rebuilding the hash part at its size. */
  resizeArray(nasize: number): void {
    this.resize(nasize, this.keys === undefined ? 0 : this.keys.length);
  }
}

function countInt(k: LuaValue, nums: number[]): number {
  const i = arrayIndex(k);
  if (i > 0 && i <= MAXASIZE) {
    const b = ceilLog2(i);
    nums[b] = (nums[b] as number) + 1;
    return 1;
  }
  return 0;
}

/** A packed array of `n` nils. */
function nils(n: number): LuaValue[] {
  const a: LuaValue[] = [];
  for (let i = 0; i < n; i++) a.push(undefined);
  return a;
}

/** The array part a sequence 1..n reaches when C code sets it key by key into lua_newtable(). */
export function sequenceSize(n: number): number {
  return n <= 1 ? n : 2 ** ceilLog2(n);
}
