/**
 * Stream IDs as Redis's streamID: two unsigned 64-bit numbers <ms>-<seq>. Here one ID is a single
 * 128-bit bigint, (ms << 64) | seq, so IDs compare with `<` and the successor of <ms>-<2^64-1> is
 * <ms+1>-0 exactly as streamIncrID computes it.
 */
export type StreamId = bigint;

export const U64_MAX = (1n << 64n) - 1n;
/** The greatest ID, UINT64_MAX-UINT64_MAX ("+"). */
export const MAX_ID: StreamId = (1n << 128n) - 1n;
export const MIN_ID: StreamId = 0n;

export function makeId(ms: bigint, seq: bigint): StreamId {
  return (ms << 64n) | seq;
}

export function idMs(id: StreamId): bigint {
  return id >> 64n;
}

export function idSeq(id: StreamId): bigint {
  return id & U64_MAX;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** "<ms>-<seq>", as createStreamIDString. */
export function formatId(id: StreamId): string {
  const ms = id >> 64n;
  const seq = id & U64_MAX;
  // Numbers print faster than bigints; both are exact below 2^53.
  if (ms <= SAFE && seq <= SAFE) return `${Number(ms)}-${Number(seq)}`;
  return `${ms}-${seq}`;
}

/** streamIncrID: the next ID, or undefined when `id` is the greatest one (Redis wraps and errors). */
export function incrId(id: StreamId): StreamId | undefined {
  return id === MAX_ID ? undefined : id + 1n;
}

/** streamDecrID: the previous ID, or undefined for 0-0. */
export function decrId(id: StreamId): StreamId | undefined {
  return id === 0n ? undefined : id - 1n;
}

const SPACE = new Set([' ', '\t', '\n', '\v', '\f', '\r']);

/**
 * Redis's string2ull: string2ll first (strict form; negative values rejected), then strtoull
 * base 10, which also takes leading whitespace, a '+' or '-' sign (negation wraps modulo 2^64)
 * and leading zeros, but no trailing garbage and nothing out of range. Returns undefined when
 * Redis rejects the text.
 */
export function parseU64(s: string): bigint | undefined {
  if (s.length === 0) return undefined;
  if (/^(0|[1-9][0-9]{0,19})$/.test(s)) {
    const v = BigInt(s);
    // Within int64: string2ll accepts it. Beyond int64 but within uint64: strtoull accepts it.
    return v <= U64_MAX ? v : undefined;
  }
  // string2ll accepts a canonical negative int64, and string2ull then rejects it.
  if (/^-[1-9][0-9]{0,18}$/.test(s) && BigInt(s) >= -(1n << 63n)) return undefined;
  let i = 0;
  while (i < s.length && SPACE.has(s[i] as string)) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  const digits = s.slice(i);
  if (!/^[0-9]+$/.test(digits)) return undefined;
  const v = BigInt(digits);
  if (v > U64_MAX) return undefined;
  return neg ? (U64_MAX + 1n - v) & U64_MAX : v;
}

/**
 * streamGenericParseIDOrReply without the reply: "-" and "+" (unless `strict`), "<ms>",
 * "<ms>-<seq>" and, when `allowSeqStar`, "<ms>-*". `missingSeq` is the sequence of a bare "<ms>".
 * Returns undefined for an invalid ID. Like Redis, the text is cut at its first NUL byte and may be
 * at most 127 bytes long.
 */
export function parseStreamId(
  text: string,
  missingSeq: bigint,
  strict: boolean,
  allowSeqStar = false,
): { id: StreamId; seqGiven: boolean } | undefined {
  if (text.length > 127) return undefined;
  const nul = text.indexOf('\0');
  const s = nul >= 0 ? text.slice(0, nul) : text;
  if (s === '-' || s === '+') {
    if (strict) return undefined;
    return { id: s === '-' ? MIN_ID : MAX_ID, seqGiven: true };
  }
  const dash = s.indexOf('-');
  const msText = dash >= 0 ? s.slice(0, dash) : s;
  const ms = parseU64(msText);
  if (ms === undefined) return undefined;
  if (dash < 0) return { id: makeId(ms, missingSeq), seqGiven: true };
  const seqText = s.slice(dash + 1);
  if (allowSeqStar && seqText === '*') return { id: makeId(ms, 0n), seqGiven: false };
  const seq = parseU64(seqText);
  if (seq === undefined) return undefined;
  return { id: makeId(ms, seq), seqGiven: true };
}
