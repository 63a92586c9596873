/**
 * LZF as liblzf 3.6 builds in Redis (lzfP.h: HLOG 16, VERY_FAST, no ULTRA_FAST, CHECK_INPUT),
 * so that compressed RDB strings are byte-identical to Redis's.
 *
 * Format: 000LLLLL + L+1 literal bytes; LLLooooo oooooooo a back reference of L+2 bytes (L < 7) at
 * distance o+1; 111ooooo LLLLLLLL oooooooo a reference of L+9 bytes.
 *
 * Compression hashes each 3-byte window into a 64K table of last positions and emits a reference
 * when the remembered position (not position 0: `ref > in_data`) lies within 8 KiB and its 3 bytes
 * match. After a match only the last two positions of it are hashed (VERY_FAST). Redis leaves the
 * table uninitialized (INIT_HTAB 0); stale entries point into other buffers and fail the range
 * check, so an empty table is the same thing here.
 */
const HSIZE = 1 << 16;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * Hash table of positions, stamped: an entry is `base + position` of the current call, so entries
 * from earlier calls (below `base`) read as empty without clearing 64K slots per call.
 */
const table = new Int32Array(HSIZE);
let base = 1;

function idx(h: number): number {
  return ((h >>> 8) - Math.imul(h, 5)) & (HSIZE - 1);
}

/**
 * lzf_compress(in, out_len): the compressed bytes, or null when they would not fit in `outLen`
 * bytes (Redis passes len - 4: compression must save at least 4 bytes).
 */
export function lzfCompress(input: Uint8Array, outLen: number): Buffer | null {
  const out = Buffer.allocUnsafe(outLen + 1);
  const n = lzfCompressInto(input, input.length, out, outLen);
  return n === 0 ? null : out.subarray(0, n);
}

/** lzf_compress of input[0, inLen) into `out` (at least outLen + 1 bytes); 0 when it does not fit. */
export function lzfCompressInto(input: Uint8Array, inLen: number, out: Uint8Array, outLen: number): number {
  if (inLen === 0 || outLen === 0) return 0;
  if (base + inLen + 1 > 0x3fffffff) {
    table.fill(0);
    base = 1;
  }
  const stamp = base;
  base += inLen + 1;
  let ip = 0;
  let op = 1;
  let lit = 0;
  let hval = ((input[0] as number) << 8) | (input[1] as number);
  while (ip < inLen - 2) {
    hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0;
    const slot = idx(hval);
    const ref = (table[slot] as number) - stamp;
    table[slot] = stamp + ip;
    const off = ip - ref - 1;
    if (ref > 0 && off < MAX_OFF && input[ref + 2] === input[ip + 2] && input[ref] === input[ip] && input[ref + 1] === input[ip + 1]) {
      let len = 2;
      let maxlen = inLen - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outLen && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outLen) return 0;
      out[op - lit - 1] = lit - 1;
      if (lit === 0) op--;
      let stopped = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            stopped = true;
            break;
          }
        }
      }
      if (!stopped) {
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }
      len -= 2;
      ip++;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++;
      ip += len + 1;
      if (ip >= inLen - 2) break;
      ip -= 2;
      hval = ((input[ip] as number) << 8) | (input[ip + 1] as number);
      hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0;
      table[idx(hval)] = stamp + ip;
      ip++;
      hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0;
      table[idx(hval)] = stamp + ip;
      ip++;
    } else {
      if (op >= outLen) return 0;
      lit++;
      out[op++] = input[ip++] as number;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outLen) return 0;
  while (ip < inLen) {
    lit++;
    out[op++] = input[ip++] as number;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return op;
}

/** lzf_decompress into exactly `outLen` bytes; null when the data is corrupt or the size differs. */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer | null {
  const out = Buffer.allocUnsafe(outLen);
  return lzfDecompressInto(input, 0, input.length, out, outLen) ? out : null;
}

/**
 * lzf_decompress of input[start, end) into out[0, outLen); false when the data is corrupt or does
 * not decompress to exactly outLen bytes.
 */
export function lzfDecompressInto(input: Uint8Array, start: number, end: number, out: Uint8Array, outLen: number): boolean {
  let ip = start;
  let op = 0;
  while (ip < end) {
    let ctrl = input[ip++] as number;
    if (ctrl < 32) {
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > end) return false;
      for (let k = 0; k < ctrl; k++) out[op++] = input[ip++] as number;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= end) return false;
      if (len === 7) {
        len += input[ip++] as number;
        if (ip >= end) return false;
      }
      ref -= input[ip++] as number;
      if (op + len + 2 > outLen || ref < 0) return false;
      len += 2;
      // Byte by byte: a reference may overlap the bytes it produces.
      for (let k = 0; k < len; k++) out[op++] = out[ref++] as number;
    }
  }
  return op === outLen;
}
