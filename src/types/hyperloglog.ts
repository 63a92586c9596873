/**
 * Redis's HyperLogLog representation (hyperloglog.c), byte for byte.
 *
 * A HLL is a plain Redis string: a 16-byte header ("HYLL", encoding byte 0 = dense / 1 = sparse,
 * 3 unused bytes, 8 bytes of cached cardinality, little endian, whose most significant bit set
 * means "stale") followed by the registers. There are 16384 registers (P = 14) of 6 bits.
 *
 * - Dense: 12288 bytes of 6-bit registers packed LSB first (12304 bytes in all, exactly).
 * - Sparse: run-length opcodes. ZERO `00xxxxxx` = 1..64 zero registers; XZERO `01xxxxxx yyyyyyyy`
 *   = 1..16384 zero registers; VAL `1vvvvvxx` = 1..4 registers of value 1..32. A new HLL is
 *   sparse (one XZERO of 16384). It is promoted to dense when a register needs a value above 32,
 *   or when an update would make it longer than hll-sparse-max-bytes (header included).
 *
 * Elements are hashed with MurmurHash64A (seed 0xadc83b19); the low 14 bits pick the register and
 * the position of the first 1 bit in the other 50 (plus one) is the candidate value (1..51).
 * The cardinality estimate is Otmar Ertl's improved estimator on the register histogram.
 *
 * Corrupt sparse data (opcodes covering more or fewer than 16384 registers) is detected as in
 * Debian's redis-server 7.0.15, which carries the CVE-2025-32023 fix: converting, counting and
 * merging reject any opcode that runs past register 16383 (upstream 7.0.15 only checked VAL
 * opcodes there). PFADD's in-place update (hllSparseSet) is unchanged by that fix.
 *
 * The bytes live in an `HllBuf`, which mimics an sds string: `b` may be longer than `len`, and
 * `b[len]` is the terminator byte. Redis reads one byte past the end in a few places (the last
 * dense register, a truncated XZERO opcode of a corrupt sparse HLL), so the emulation keeps that
 * byte as sds does, and corrupt values behave as they do in Redis.
 */

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_MAX_ENCODING = 1;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
const HLL_ALPHA_INF = 0.7213475204444817; // 0.5 / ln(2): the double nearest Redis's 0.721347520444481703680

/** A HLL's bytes with sds-like spare room; `b[len]` is the terminator (0 unless overwritten). */
export interface HllBuf {
  b: Uint8Array;
  len: number;
}

// ---- MurmurHash64A in 32-bit halves ----------------------------------------------------------

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** High 32 bits of the unsigned 64-bit product of two uint32. */
function mulHi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const a0b1 = a0 * b1;
  const a1b0 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (a0b1 & 0xffff) + (a1b0 & 0xffff);
  return (a1 * b1 + (a0b1 >>> 16) + (a1b0 >>> 16) + (mid >>> 16)) >>> 0;
}

/** High word of (hi:lo) * m mod 2^64 (the low word is Math.imul(lo, M_LO)). */
function mulMHi(hi: number, lo: number): number {
  return (mulHi32(lo, M_LO) + Math.imul(hi, M_LO) + Math.imul(lo, M_HI)) >>> 0;
}

/**
 * MurmurHash64A (Redis's "endian neutral" variant: 8-byte blocks read little endian) with seed
 * 0xadc83b19, in 32-bit halves: `len` bytes, whose 8-byte blocks and tail come from `word(i)`
 * (the little-endian 32-bit word at byte i, bytes past the end read as 0). Returns the hash's
 * hllPatLen packed as `count << 14 | index`, or the hash itself through `out` when given.
 */
function murmurPat(len: number, word: (i: number) => number, out?: Uint32Array): number {
  // h = seed ^ (len * m)
  let lo = len >>> 0;
  let hi = (mulMHi(0, lo) + Math.imul(Math.floor(len / 0x100000000), M_LO)) >>> 0;
  lo = (Math.imul(lo, M_LO) ^ 0xadc83b19) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    // k *= m; k ^= k >> r; k *= m; h ^= k; h *= m
    let kl = word(i) >>> 0;
    let kh = word(i + 4) >>> 0;
    let t = mulMHi(kh, kl);
    kl = Math.imul(kl, M_LO) >>> 0;
    kh = t;
    kl = (kl ^ (kh >>> 15)) >>> 0;
    t = mulMHi(kh, kl);
    kl = Math.imul(kl, M_LO) >>> 0;
    kh = t;
    hi = (hi ^ kh) >>> 0;
    lo = (lo ^ kl) >>> 0;
    t = mulMHi(hi, lo);
    lo = Math.imul(lo, M_LO) >>> 0;
    hi = t;
  }
  const rest = len & 7;
  if (rest > 0) {
    // The tail's bytes XORed in at their little-endian positions, then h *= m.
    hi = (hi ^ (rest > 4 ? word(blocks + 4) : 0)) >>> 0;
    lo = (lo ^ word(blocks)) >>> 0;
    const t = mulMHi(hi, lo);
    lo = Math.imul(lo, M_LO) >>> 0;
    hi = t;
  }
  // h ^= h >> r; h *= m; h ^= h >> r
  lo = (lo ^ (hi >>> 15)) >>> 0;
  const t = mulMHi(hi, lo);
  lo = Math.imul(lo, M_LO) >>> 0;
  hi = t;
  lo = (lo ^ (hi >>> 15)) >>> 0;
  if (out) {
    out[0] = hi;
    out[1] = lo;
  }
  // hllPatLen: the register is the low 14 bits; the count is 1 + the trailing zeros of
  // hash >> 14 with bit 50 set (1..51).
  const index = lo & HLL_P_MASK;
  const rl = ((lo >>> HLL_P) | (hi << (32 - HLL_P))) >>> 0;
  let count: number;
  if (rl !== 0) count = 32 - Math.clz32(rl & -rl);
  else {
    const rh = (hi >>> HLL_P) | (1 << (HLL_Q - 32));
    count = 64 - Math.clz32(rh & -rh);
  }
  return (count << HLL_P) | index;
}

/** The little-endian word at byte `i` of a byte string, bytes past the end as 0. */
function stringWord(s: string, i: number): number {
  const n = s.length - i;
  if (n >= 4) return s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24);
  let w = 0;
  for (let j = 0; j < n; j++) w |= s.charCodeAt(i + j) << (j * 8);
  return w;
}

/**
 * hllPatLen: for element `ele` (one byte per char), the register index and the run length,
 * packed as `count << 14 | index`.
 */
export function patLen(ele: string): number {
  return murmurPat(ele.length, (i) => stringWord(ele, i));
}

/** The 64-bit MurmurHash64A of `s` as an unsigned bigint (for tests). */
export function murmurHash64A(s: string): bigint {
  const out = new Uint32Array(2);
  murmurPat(s.length, (i) => stringWord(s, i), out);
  return (BigInt(out[0] as number) << 32n) | BigInt(out[1] as number);
}

// ---- byte container ------------------------------------------------------------------------

/** The bytes of a string value (latin1), with the terminator and a little spare room. */
export function bufFromString(s: string): HllBuf {
  const b = new Uint8Array(s.length + 4);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return { b, len: s.length };
}

/** The string value (latin1) of a HLL buffer. */
export function bufToString(h: HllBuf): string {
  return Buffer.from(h.b.buffer, h.b.byteOffset, h.len).toString('latin1');
}

/** sdsMakeRoomFor: at least `extra` free bytes after `len` (plus the terminator). */
function makeRoom(h: HllBuf, extra: number): void {
  if (h.b.length >= h.len + extra + 1) return;
  const nb = new Uint8Array(Math.max((h.len + extra + 1) * 2, 32));
  nb.set(h.b.subarray(0, h.len + 1));
  h.b = nb;
}

/** sdsIncrLen: moves the end and writes the terminator. */
function incrLen(h: HllBuf, delta: number): void {
  h.len += delta;
  h.b[h.len] = 0;
}

const byteAt = (h: HllBuf, i: number): number => h.b[i] ?? 0;

// ---- header --------------------------------------------------------------------------------

/**
 * isHLLObjectOrReply's checks on a string value: at least 16 bytes, "HYLL", encoding 0 or 1, and
 * a dense HLL exactly 12304 bytes long. (An int-encoded string is also refused: it is shorter.)
 */
export function isValidHll(s: string): boolean {
  if (s.length < HLL_HDR_SIZE) return false;
  if (s.charCodeAt(0) !== 0x48 || s.charCodeAt(1) !== 0x59 || s.charCodeAt(2) !== 0x4c || s.charCodeAt(3) !== 0x4c) return false;
  const enc = s.charCodeAt(4);
  if (enc > HLL_MAX_ENCODING) return false;
  return !(enc === HLL_DENSE && s.length !== HLL_DENSE_SIZE);
}

/** The encoding byte of a HLL string. */
export function encodingOf(s: string): number {
  return s.charCodeAt(4);
}

export function encoding(h: HllBuf): number {
  return h.b[4] as number;
}

/** HLL_VALID_CACHE: the MSB of the cached cardinality is clear. */
export function cacheValid(s: string): boolean {
  return (s.charCodeAt(15) & 0x80) === 0;
}

/** The cached cardinality (8 bytes little endian) of a HLL string. */
export function cachedCard(s: string): bigint {
  let v = 0n;
  for (let i = 15; i >= 8; i--) v = (v << 8n) | BigInt(s.charCodeAt(i));
  return v;
}

/** Writes the cached cardinality. */
export function setCachedCard(h: HllBuf, card: number): void {
  let v = card;
  for (let i = 8; i < 16; i++) {
    h.b[i] = v % 256;
    v = Math.floor(v / 256);
  }
}

/** HLL_INVALIDATE_CACHE: sets the MSB of the cached cardinality (the other bytes stay). */
export function invalidateCache(h: HllBuf): void {
  h.b[15] = (h.b[15] as number) | 0x80;
}

/** createHLLObject: a sparse HLL of one XZERO opcode covering all 16384 registers. */
export function createHll(): HllBuf {
  const h: HllBuf = { b: new Uint8Array(HLL_HDR_SIZE + 2 + 4), len: HLL_HDR_SIZE + 2 };
  h.b.set([0x48, 0x59, 0x4c, 0x4c, HLL_SPARSE]);
  let p = HLL_HDR_SIZE;
  for (let aux = HLL_REGISTERS; aux > 0; ) {
    const xzero = Math.min(SPARSE_XZERO_MAX_LEN, aux);
    setXZero(h.b, p, xzero);
    p += 2;
    aux -= xzero;
  }
  return h;
}

// ---- dense registers -----------------------------------------------------------------------

/** HLL_DENSE_GET_REGISTER over `b` starting at `off` (reads the byte after, as Redis does). */
export function denseGet(b: Uint8Array, off: number, regnum: number): number {
  const bit = regnum * HLL_BITS;
  const byte = off + (bit >>> 3);
  const fb = bit & 7;
  return (((b[byte] as number) >>> fb) | ((b[byte + 1] ?? 0) << (8 - fb))) & HLL_REGISTER_MAX;
}

/** HLL_DENSE_SET_REGISTER. */
export function denseSetRaw(b: Uint8Array, off: number, regnum: number, val: number): void {
  const bit = regnum * HLL_BITS;
  const byte = off + (bit >>> 3);
  const fb = bit & 7;
  const fb8 = 8 - fb;
  b[byte] = ((b[byte] as number) & ~(HLL_REGISTER_MAX << fb)) | ((val << fb) & 0xff);
  if (byte + 1 < b.length) b[byte + 1] = ((b[byte + 1] as number) & ~(HLL_REGISTER_MAX >>> fb8)) | (val >>> fb8);
}

/** hllDenseSet: raises register `index` to `count`; 1 if it changed. */
function denseSet(h: HllBuf, index: number, count: number): number {
  if (count > denseGet(h.b, HLL_HDR_SIZE, index)) {
    denseSetRaw(h.b, HLL_HDR_SIZE, index, count);
    return 1;
  }
  return 0;
}

// ---- sparse opcodes ------------------------------------------------------------------------

const isZero = (v: number) => (v & 0xc0) === 0;
const isXZero = (v: number) => (v & 0xc0) === 0x40;
const isVal = (v: number) => (v & 0x80) !== 0;
const zeroLen = (v: number) => (v & 0x3f) + 1;
const xzeroLen = (v: number, next: number) => (((v & 0x3f) << 8) | next) + 1;
const valValue = (v: number) => ((v >>> 2) & 0x1f) + 1;
const valLen = (v: number) => (v & 0x3) + 1;
const valOp = (val: number, len: number) => (((val - 1) << 2) | (len - 1) | 0x80) & 0xff;

function setXZero(b: Uint8Array, p: number, len: number): void {
  const l = len - 1;
  b[p] = (l >>> 8) | 0x40;
  b[p + 1] = l & 0xff;
}

/**
 * hllSparseToDense: rewrites a sparse HLL as dense (header copied, cached cardinality included).
 * False if the sparse data does not cover exactly 16384 registers (the HLL is left as it was).
 */
export function sparseToDense(h: HllBuf): boolean {
  if (encoding(h) === HLL_DENSE) return true;
  const d = new Uint8Array(HLL_DENSE_SIZE + 1);
  d.set(h.b.subarray(0, HLL_HDR_SIZE));
  d[4] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  const end = h.len;
  while (p < end) {
    const v = h.b[p] as number;
    let runlen: number;
    if (isZero(v)) runlen = zeroLen(v);
    else if (isXZero(v)) runlen = xzeroLen(v, byteAt(h, p + 1));
    else runlen = valLen(v);
    if (runlen + idx > HLL_REGISTERS) return false; // overflow (CVE-2025-32023 fix)
    if (isVal(v)) {
      const regval = valValue(v);
      while (runlen--) denseSetRaw(d, HLL_HDR_SIZE, idx++, regval);
      p++;
    } else {
      idx += runlen;
      p += isXZero(v) ? 2 : 1;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  h.b = d;
  h.len = HLL_DENSE_SIZE;
  return true;
}

/**
 * hllSparseSet: raises register `index` to `count` in a sparse HLL, splitting the opcode that
 * covers it and merging equal neighbouring VAL opcodes afterwards (up to 5 opcodes from the one
 * before). Promotes to dense (then sets the register there) when `count` > 32 or the HLL would
 * grow past `maxBytes`. Returns 1 if changed, 0 if not, -1 if the sparse data is corrupt.
 */
export function sparseSet(h: HllBuf, index: number, count: number, maxBytes: number): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(h, index, count);
  makeRoom(h, 3);
  const b = h.b;
  const sparse = HLL_HDR_SIZE;
  let p = sparse;
  let end = h.len;
  let first = 0;
  let prev = -1;
  let span = 0;
  // Step 1: find the opcode covering `index`.
  while (p < end) {
    const v = b[p] as number;
    let oplen = 1;
    if (isZero(v)) span = zeroLen(v);
    else if (isVal(v)) span = valLen(v);
    else {
      span = xzeroLen(v, b[p + 1] as number);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;

  const op = b[p] as number;
  let next = isXZero(op) ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const zero = isZero(op);
  const xzero = isXZero(op);
  const runlen = zero ? zeroLen(op) : xzero ? xzeroLen(op, b[p + 1] as number) : valLen(op);

  let updatedInPlace = false;
  if (!zero && !xzero) {
    // A) a VAL already >= count: nothing to do. B) a VAL of length 1: just raise it.
    if (valValue(op) >= count) return 0;
    if (runlen === 1) {
      b[p] = valOp(count, 1);
      updatedInPlace = true;
    }
  }
  // C) a ZERO of length 1 becomes a VAL of length 1.
  if (!updatedInPlace && zero && runlen === 1) {
    b[p] = valOp(count, 1);
    updatedInPlace = true;
  }
  if (!updatedInPlace) {
    // D) split the opcode: [ZERO/XZERO or VAL before] VAL(count,1) [ZERO/XZERO or VAL after].
    const seq: number[] = [];
    const last = first + span - 1;
    const pushZeros = (len: number) => {
      if (len > SPARSE_ZERO_MAX_LEN) {
        const l = len - 1;
        seq.push((l >>> 8) | 0x40, l & 0xff);
      } else seq.push(len - 1);
    };
    if (zero || xzero) {
      if (index !== first) pushZeros(index - first);
      seq.push(valOp(count, 1));
      if (index !== last) pushZeros(last - index);
    } else {
      const curval = valValue(op);
      if (index !== first) seq.push(valOp(curval, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(curval, last - index));
    }
    // Step 3: replace the old opcode with the sequence, moving the rest right if it grew.
    const oldlen = xzero ? 2 : 1;
    const delta = seq.length - oldlen;
    if (delta > 0 && h.len + delta > maxBytes) return promote(h, index, count);
    if (delta !== 0 && next >= 0) b.copyWithin(next + delta, next, end);
    incrLen(h, delta);
    b.set(seq, p);
    end += delta;
  }

  // Step 4: merge adjacent VAL opcodes of equal value while their lengths fit.
  p = prev >= 0 ? prev : sparse;
  let scanlen = 5;
  while (p < end && scanlen-- > 0) {
    const v = b[p] as number;
    if (isXZero(v)) {
      p += 2;
      continue;
    }
    if (isZero(v)) {
      p++;
      continue;
    }
    if (p + 1 < end && isVal(b[p + 1] as number)) {
      const v1 = valValue(v);
      const v2 = valValue(b[p + 1] as number);
      if (v1 === v2) {
        const len = valLen(v) + valLen(b[p + 1] as number);
        if (len <= SPARSE_VAL_MAX_LEN) {
          b[p + 1] = valOp(v1, len);
          b.copyWithin(p, p + 1, end + 1);
          incrLen(h, -1);
          end--;
          continue;
        }
      }
    }
    p++;
  }
  invalidateCache(h);
  return 1;
}

/** The promote path of hllSparseSet: to dense, then set the register (always a change). */
function promote(h: HllBuf, index: number, count: number): number {
  if (!sparseToDense(h)) return -1;
  return denseSet(h, index, count);
}

/** hllAdd: adds one element; 1 if a register changed, 0 if not, -1 if corrupt. */
export function hllAdd(h: HllBuf, ele: string, maxBytes: number): number {
  const pl = patLen(ele);
  return setRegister(h, pl & HLL_P_MASK, pl >>> HLL_P, maxBytes);
}

/** Raises one register in either encoding. */
export function setRegister(h: HllBuf, index: number, count: number, maxBytes: number): number {
  switch (encoding(h)) {
    case HLL_DENSE:
      return denseSet(h, index, count);
    case HLL_SPARSE:
      return sparseSet(h, index, count, maxBytes);
    default:
      return -1;
  }
}

// ---- counting ------------------------------------------------------------------------------

/** hllSigma (Ertl, arXiv:1702.01284). */
function sigma(x0: number): number {
  if (x0 === 1) return Number.POSITIVE_INFINITY;
  let x = x0;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

/** hllTau (Ertl, arXiv:1702.01284). */
function tau(x0: number): number {
  if (x0 === 0 || x0 === 1) return 0;
  let x = x0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (zPrime !== z);
  return z / 3;
}

/** The estimate from a register histogram (64 buckets, as Redis sizes it). */
export function estimate(histo: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - (histo[HLL_Q + 1] as number)) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j] as number;
    z *= 0.5;
  }
  z += m * sigma((histo[0] as number) / m);
  // llroundl of a positive double: halves away from zero, as Math.round for positives.
  return Math.round((HLL_ALPHA_INF * m * m) / z);
}

/**
 * hllCount of a dense or sparse HLL. `invalid` is true when a sparse HLL does not cover exactly
 * 16384 registers (the estimate is then meaningless and Redis replies INVALIDOBJ).
 */
export function hllCount(h: HllBuf): { card: number; invalid: boolean } {
  const histo = new Int32Array(64);
  let invalid = false;
  if (encoding(h) === HLL_DENSE) {
    for (let j = 0; j < HLL_REGISTERS; j++) {
      const v = denseGet(h.b, HLL_HDR_SIZE, j);
      histo[v] = (histo[v] as number) + 1;
    }
  } else {
    let idx = 0;
    let p = HLL_HDR_SIZE;
    while (p < h.len) {
      const v = h.b[p] as number;
      const zero = !isVal(v);
      const r = isZero(v) ? zeroLen(v) : isXZero(v) ? xzeroLen(v, byteAt(h, p + 1)) : valLen(v);
      if (r + idx > HLL_REGISTERS) break; // overflow: invalid (CVE-2025-32023 fix)
      idx += r;
      const x = zero ? 0 : valValue(v);
      histo[x] = (histo[x] as number) + r;
      p += isXZero(v) ? 2 : 1;
    }
    if (p < h.len || idx !== HLL_REGISTERS) invalid = true;
  }
  return { card: estimate(histo), invalid };
}

/** hllCount of 16384 one-byte registers (HLL_RAW: PFCOUNT of several keys). */
export function countRaw(max: Uint8Array): number {
  const histo = new Int32Array(64);
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const v = max[j] as number;
    histo[v] = (histo[v] as number) + 1;
  }
  return estimate(histo);
}

/**
 * hllMerge: max[i] = MAX(max[i], register i). False when a sparse HLL is corrupt (it still
 * merged what it read before noticing, as Redis does).
 */
export function mergeInto(max: Uint8Array, h: HllBuf): boolean {
  if (encoding(h) === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(h.b, HLL_HDR_SIZE, i);
      if (v > (max[i] as number)) max[i] = v;
    }
    return true;
  }
  let i = 0;
  let p = HLL_HDR_SIZE;
  while (p < h.len) {
    const v = h.b[p] as number;
    let runlen = isZero(v) ? zeroLen(v) : isXZero(v) ? xzeroLen(v, byteAt(h, p + 1)) : valLen(v);
    if (runlen + i > HLL_REGISTERS) return false; // overflow (CVE-2025-32023 fix)
    if (isVal(v)) {
      const regval = valValue(v);
      while (runlen--) {
        if (regval > (max[i] as number)) max[i] = regval;
        i++;
      }
      p++;
    } else {
      i += runlen;
      p += isXZero(v) ? 2 : 1;
    }
  }
  return i === HLL_REGISTERS;
}

/** PFDEBUG DECODE's text of a sparse HLL: "z:N", "Z:N", "v:VAL,LEN" separated by spaces. */
export function decodeSparse(h: HllBuf): string {
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < h.len) {
    const v = h.b[p] as number;
    if (isZero(v)) {
      parts.push(`z:${zeroLen(v)}`);
      p++;
    } else if (isXZero(v)) {
      parts.push(`Z:${xzeroLen(v, byteAt(h, p + 1))}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(v)},${valLen(v)}`);
      p++;
    }
  }
  return parts.join(' ');
}

// ---- PFSELFTEST ----------------------------------------------------------------------------

/**
 * pfselftestCommand's two tests, on this implementation: (1) 1000 rounds of random values in
 * every dense register, read back; (2) 10,000,000 distinct 8-byte elements added to a dense and
 * a sparse HLL side by side, checked at 1, 10, 100, ... for: sparse still used below
 * hll-sparse-max-bytes/2 elements, both counts equal, and an error within 6 standard errors
 * (1 at cardinality 10). Returns null on success or the TESTFAILED error text.
 */
export function selfTest(maxBytes: number, random: () => number): string | null {
  const dense: HllBuf = { b: new Uint8Array(HLL_DENSE_SIZE + 1), len: HLL_DENSE_SIZE };
  dense.b.set([0x48, 0x59, 0x4c, 0x4c, HLL_DENSE]);
  const bytecounters = new Uint8Array(HLL_REGISTERS);
  for (let j = 0; j < 1000; j++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = random() & HLL_REGISTER_MAX;
      bytecounters[i] = r;
      denseSetRaw(dense.b, HLL_HDR_SIZE, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(dense.b, HLL_HDR_SIZE, i);
      if (val !== bytecounters[i]) return `TESTFAILED Register ${i} should be ${bytecounters[i]} but is ${val}`;
    }
  }
  dense.b.fill(0, HLL_HDR_SIZE);
  const sparse = createHll();
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  let checkpoint = 1;
  const seedLo = random() >>> 0;
  const seedHi = random() >>> 0;
  for (let j = 1; j <= 10000000; j++) {
    const lo = (j ^ seedLo) >>> 0;
    const pl = murmurPat(8, (i) => (i === 0 ? lo : seedHi));
    denseSet(dense, pl & HLL_P_MASK, pl >>> HLL_P);
    setRegister(sparse, pl & HLL_P_MASK, pl >>> HLL_P, maxBytes);
    if (j === checkpoint) {
      if (j < maxBytes / 2 && encoding(sparse) !== HLL_SPARSE) return 'TESTFAILED sparse encoding not used';
      const card = hllCount(dense).card;
      if (card !== hllCount(sparse).card) return 'TESTFAILED dense/sparse disagree';
      let maxerr = Math.ceil(relerr * 6 * checkpoint);
      if (j === 10) maxerr = 1;
      const abserr = Math.abs(checkpoint - card);
      if (abserr > maxerr) return `TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`;
      checkpoint *= 10;
    }
  }
  return null;
}
