/**
 * Geo commands (Redis 7.0 geo.c): GEOADD GEOPOS GEODIST GEOHASH GEORADIUS GEORADIUSBYMEMBER
 * GEORADIUS_RO GEORADIUSBYMEMBER_RO GEOSEARCH GEOSEARCHSTORE.
 *
 * A geo index is an ordinary sorted set whose scores are 52-bit geohashes (types/geohash.ts), so
 * every zset command works on it and GEOADD is ZADD with computed scores. A search covers the shape
 * with the centre cell and its 8 neighbours, reads each cell's score interval from the zset, and
 * keeps the points inside the circle or box; unsorted results come in that walking order.
 *
 * Reply formats: distances with 4 decimals (llrint of d * 10000), coordinates as "%.17Lf" with
 * trailing zeros removed (a bulk string in RESP2, a double in RESP3), hashes as integers.
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { NOT_FLOAT, RedisError, SYNTAX } from '../engine/errors.js';
import { scoreArg } from '../engine/zset-args.js';
import { formatLongDouble } from '../protocol/longdouble.js';
import { parseInteger } from '../protocol/numbers.js';
import {
  cellScoreRange,
  decodeScore,
  distanceIfWithin,
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  type GeoShape,
  geoDistance,
  geohashString,
  geoScoreBits,
  searchAreas,
} from '../types/geohash.js';
import { SortedSet } from '../types/sortedset.js';
import { getZset, settleEncoding, storeResult } from './zset-common.js';
import { basicZsetCommands } from './zsets.js';

// ---- number formatting ------------------------------------------------------------------

/** A finite double as sign × mant × 2^exp, exactly. */
function decompose(d: number): { neg: boolean; mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const neg = hi >>> 31 === 1;
  const e = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (e === 0) return { neg, mant, exp: -1074 };
  mant |= 1n << 52n;
  return { neg, mant, exp: e - 1075 };
}

/** C's "%.<digits>f" of a double: the exact binary value rounded half-even ("inf" spelled out). */
function formatFixed(d: number, digits: number): string {
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  const { neg, mant, exp } = decompose(d);
  const scaled = mant * 10n ** BigInt(digits);
  let v: bigint;
  if (exp >= 0) v = scaled << BigInt(exp);
  else {
    const sh = BigInt(-exp);
    const q = scaled >> sh;
    const r2 = (scaled - (q << sh)) * 2n;
    const den = 1n << sh;
    v = r2 > den || (r2 === den && (q & 1n) === 1n) ? q + 1n : q;
  }
  const s = v.toString().padStart(digits + 1, '0');
  return `${neg ? '-' : ''}${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
}

/** addReplyHumanLongDouble: "%.17Lf" without trailing zeros; a bulk in RESP2, a double in RESP3. */
function replyCoord(c: Client, d: number): void {
  const s = formatLongDouble({ kind: 'finite', ...decompose(d) });
  if (c.resp === 2) c.reply.bulk(s);
  else c.reply.raw(`,${s}\r\n`);
}

/** llrint: to the nearest integer, ties to even. */
function rint(x: number): number {
  const f = Math.floor(x);
  const r = x - f;
  if (r > 0.5) return f + 1;
  if (r < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** addReplyDoubleDistance (fixedpoint_d2string with 4 digits): always a bulk string. */
function formatDistance(d: number): string {
  if (d === 0) return '0.0000';
  const v = rint(d * 10000);
  const s = Math.abs(v).toString().padStart(5, '0');
  return `${v < 0 ? '-' : ''}${s.slice(0, s.length - 4)}.${s.slice(s.length - 4)}`;
}

// ---- argument parsing --------------------------------------------------------------------

/**
 * extractLongLatOrReply: two floats (getDoubleFromObject rules), then the range check; the error
 * prints both with "%f".
 */
function longLatArg(args: string[], i: number): [number, number] {
  const x = scoreArg(args[i] as string, NOT_FLOAT);
  const y = scoreArg(args[i + 1] as string, NOT_FLOAT);
  if (x < GEO_LONG_MIN || x > GEO_LONG_MAX || y < GEO_LAT_MIN || y > GEO_LAT_MAX) {
    throw new RedisError(`ERR invalid longitude,latitude pair ${formatFixed(x, 6)},${formatFixed(y, 6)}`);
  }
  return [x, y];
}

/** extractUnitOrReply: meters per unit (case-insensitive m, km, ft, mi). */
function unitArg(u: string): number {
  switch (u.toLowerCase()) {
    case 'm':
      return 1;
    case 'km':
      return 1000;
    case 'ft':
      return 0.3048;
    case 'mi':
      return 1609.34;
    default:
      throw new RedisError('ERR unsupported unit provided. please use M, KM, FT, MI');
  }
}

/** extractDistanceOrReply: "<radius> <unit>"; the radius is checked before the unit. */
function radiusArg(args: string[], i: number): { radius: number; conversion: number } {
  const radius = scoreArg(args[i] as string, 'ERR need numeric radius');
  if (radius < 0) throw new RedisError('ERR radius cannot be negative');
  return { radius, conversion: unitArg(args[i + 1] as string) };
}

/** extractBoxOrReply: "<width> <height> <unit>". */
function boxArg(args: string[], i: number): { width: number; height: number; conversion: number } {
  const width = scoreArg(args[i] as string, 'ERR need numeric width');
  const height = scoreArg(args[i + 1] as string, 'ERR need numeric height');
  if (height < 0 || width < 0) throw new RedisError('ERR height or width cannot be negative');
  return { width, height, conversion: unitArg(args[i + 2] as string) };
}

const NO_MEMBER = 'ERR could not decode requested zset member';

/** longLatFromMember: the decoded position of a member, or Redis's error when it is absent. */
function memberPosition(zs: SortedSet, member: string): [number, number] {
  const s = zs.score(member);
  if (s === undefined) throw new RedisError(NO_MEMBER);
  return decodeScore(s);
}

// ---- GEOADD / GEOPOS / GEOHASH / GEODIST ---------------------------------------------------

const zaddHandler = basicZsetCommands.find((s) => s.name === 'zadd')?.handler as (c: Client, args: string[]) => void;

/**
 * GEOADD key [NX|XX] [CH] longitude latitude member [...]: every pair is validated first (nothing
 * is added when one is bad), then the command runs as ZADD with the geohash scores, so WRONGTYPE,
 * the reply, the "zadd" keyspace event and the encoding are ZADD's. NX with XX is a syntax error
 * here; GT/LT/INCR are not options of GEOADD (they read as a longitude).
 */
function geoadd(c: Client, args: string[]): void {
  let nx = false;
  let xx = false;
  let i = 2;
  for (; i < args.length; i++) {
    const o = (args[i] as string).toLowerCase();
    if (o === 'nx') nx = true;
    else if (o === 'xx') xx = true;
    else if (o !== 'ch') break;
  }
  if ((args.length - i) % 3 !== 0 || (xx && nx)) throw new RedisError(SYNTAX);
  const zargs = ['zadd', ...args.slice(1, i)];
  for (let j = i; j < args.length; j += 3) {
    const [x, y] = longLatArg(args, j);
    zargs.push(geoScoreBits(x, y).toString(), args[j + 2] as string);
  }
  zaddHandler(c, zargs);
}

/** GEOPOS key member [...]: [longitude, latitude] per member, a null array for a missing one. */
function geopos(c: Client, args: string[]): void {
  const zs = getZset(c, args[1] as string);
  c.reply.arrayLen(args.length - 2);
  for (let j = 2; j < args.length; j++) {
    const s = zs?.score(args[j] as string);
    if (s === undefined) {
      c.reply.nilArray();
      continue;
    }
    const [x, y] = decodeScore(s);
    c.reply.arrayLen(2);
    replyCoord(c, x);
    replyCoord(c, y);
  }
}

/** GEOHASH key member [...]: the standard 11-character geohash per member, null when missing. */
function geohash(c: Client, args: string[]): void {
  const zs = getZset(c, args[1] as string);
  c.reply.arrayLen(args.length - 2);
  for (let j = 2; j < args.length; j++) {
    const s = zs?.score(args[j] as string);
    if (s === undefined) c.reply.nil();
    else c.reply.bulk(geohashString(s));
  }
}

/**
 * GEODIST key member1 member2 [unit]: the unit is checked before the key (more arguments are a
 * syntax error); null when the key or either member is missing.
 */
function geodist(c: Client, args: string[]): void {
  let toMeter = 1;
  if (args.length === 5) toMeter = unitArg(args[4] as string);
  else if (args.length > 5) throw new RedisError(SYNTAX);
  const zs = getZset(c, args[1] as string);
  if (zs === undefined) return c.reply.nil();
  const s1 = zs.score(args[2] as string);
  const s2 = zs.score(args[3] as string);
  if (s1 === undefined || s2 === undefined) return c.reply.nil();
  const [x1, y1] = decodeScore(s1);
  const [x2, y2] = decodeScore(s2);
  c.reply.bulk(formatDistance(geoDistance(x1, y1, x2, y2) / toMeter));
}

// ---- searches ------------------------------------------------------------------------------

interface GeoPoint {
  member: string;
  score: number;
  longitude: number;
  latitude: number;
  dist: number;
}

/**
 * geoGetPointsInRange over one cell: the members with min <= score < max that lie inside the
 * shape, appended in score order. With a limit (COUNT ANY) it stops once `out` holds that many.
 */
function pointsInCell(zs: SortedSet, min: number, max: number, shape: GeoShape, out: GeoPoint[], limit: number): void {
  const from = zs.firstInRange({ min, max, minex: false, maxex: true });
  zs.walk(from, false, (member, score) => {
    if (!(score < max)) return false;
    const [x, y] = decodeScore(score);
    const dist = distanceIfWithin(shape, x, y);
    if (dist !== undefined) out.push({ member, score, longitude: x, latitude: y, dist });
    return !(out.length && limit && out.length >= limit);
  });
}

/**
 * membersOfAllNeighbors: the cells in Redis's order (self, N, S, E, W, NE, NW, SE, SW), skipping
 * zeroed ones and a cell equal to the last one searched (huge radii make neighbours coincide).
 */
function searchPoints(zs: SortedSet, shape: GeoShape, limit: number): GeoPoint[] {
  const cells = searchAreas(shape);
  const out: GeoPoint[] = [];
  let last = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as (typeof cells)[number];
    if (cell.bits === 0n && cell.step === 0) continue;
    const prev = cells[last] as (typeof cells)[number];
    if (last && cell.bits === prev.bits && cell.step === prev.step) continue;
    if (out.length && limit && out.length >= limit) break;
    const [min, max] = cellScoreRange(cell);
    pointsInCell(zs, min, max, shape, out, limit);
    last = i;
  }
  return out;
}

type Cmp = (a: GeoPoint, b: GeoPoint) => number;

const sortAsc: Cmp = (a, b) => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
const sortDesc: Cmp = (a, b) => -sortAsc(a, b);

/**
 * Redis's pqsort (Bentley-McIlroy quicksort that only recurses into partitions overlapping the
 * wanted index range [lo, hi]), step for step, so that ties come out in Redis's order when COUNT
 * takes fewer than all results. Positions are element indexes; `es` is kept symbolic as 1.
 */
function pqsort(a: GeoPoint[], cmp: Cmp, lo: number, hi: number): void {
  const lrange = lo;
  const rrange = hi + 1 - 0.5; // ((rrange+1)*es)-1 with es > 1: inside the last wanted element
  const swap = (i: number, j: number): void => {
    const t = a[i] as GeoPoint;
    a[i] = a[j] as GeoPoint;
    a[j] = t;
  };
  const vecswap = (i: number, j: number, n: number): void => {
    for (let k = 0; k < n; k++) swap(i + k, j + k);
  };
  const c = (i: number, j: number): number => cmp(a[i] as GeoPoint, a[j] as GeoPoint);
  const med3 = (x: number, y: number, z: number): number =>
    c(x, y) < 0 ? (c(y, z) < 0 ? y : c(x, z) < 0 ? z : x) : c(y, z) > 0 ? y : c(x, z) < 0 ? x : z;

  const sort = (base: number, n: number): void => {
    for (;;) {
      if (n < 7) {
        for (let pm = base + 1; pm < base + n; pm++) for (let pl = pm; pl > base && c(pl - 1, pl) > 0; pl--) swap(pl, pl - 1);
        return;
      }
      let pm = base + Math.floor(n / 2);
      if (n > 7) {
        let pl = base;
        let pn = base + n - 1;
        if (n > 40) {
          const d = Math.floor(n / 8);
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(base, pm);
      let pa = base + 1;
      let pb = pa;
      let pc = base + n - 1;
      let pd = pc;
      for (;;) {
        while (pb <= pc) {
          const r = c(pb, base);
          if (r > 0) break;
          if (r === 0) {
            swap(pa, pb);
            pa++;
          }
          pb++;
        }
        while (pb <= pc) {
          const r = c(pc, base);
          if (r < 0) break;
          if (r === 0) {
            swap(pc, pd);
            pd--;
          }
          pc--;
        }
        if (pb > pc) break;
        swap(pb, pc);
        pb++;
        pc--;
      }
      const pn = base + n;
      let r = Math.min(pa - base, pb - pa);
      vecswap(base, pb - r, r);
      r = Math.min(pd - pc, pn - pd - 1);
      vecswap(pb, pn - r, r);
      // Recurse into the left partition, loop on the right one, each only when it overlaps the
      // wanted range (Redis compares byte addresses: [l, l + size) against the range bounds).
      r = pb - pa;
      if (r > 1) {
        const l = base;
        const rr = base + r - 0.5;
        if (!((lrange < l && rrange < l) || (lrange > rr && rrange > rr))) sort(base, r);
      }
      r = pd - pc;
      if (r > 1) {
        base = pn - r;
        n = r;
        const l = base;
        const rr = base + r - 0.5;
        if (!((lrange < l && rrange < l) || (lrange > rr && rrange > rr))) continue;
      }
      return;
    }
  };
  sort(0, a.length);
}

const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const RADIUS_NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

/**
 * georadiusGeneric: GEORADIUS[_RO] key lon lat radius unit, GEORADIUSBYMEMBER[_RO] key member
 * radius unit, GEOSEARCH key <from> <by>, GEOSEARCHSTORE dst src <from> <by>, with the options
 * WITHDIST WITHHASH WITHCOORD ASC|DESC COUNT n [ANY] STORE/STOREDIST key (GEOSEARCHSTORE: bare
 * STOREDIST).
 *
 * Validation order as Redis: the source key's type first; then the centre and radius of the
 * GEORADIUS forms (GEORADIUSBYMEMBER on a missing key skips them, member and radius unchecked);
 * then the options left to right (a FROMMEMBER member is looked up when met); then STORE with
 * WITH*, the missing FROM/BY, and ANY without COUNT. A missing source replies an empty array, or
 * with a store key deletes it and replies 0.
 *
 * COUNT without ANY sorts ascending unless an order is given, and keeps the nearest n; COUNT ANY
 * stops the walk after n matches (sorted only when asked). Unsorted results come in walking order.
 */
function georadiusGeneric(c: Client, args: string[], srcIndex: number, flags: number): void {
  let storeKey: string | undefined;
  let storeDist = false;
  const zs = getZset(c, args[srcIndex] as string);

  let baseArgs: number;
  let xy: [number, number] = [0, 0];
  let circle: { radius: number; conversion: number } | undefined;
  let box: { width: number; height: number; conversion: number } | undefined;
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    xy = longLatArg(args, 2);
    circle = radiusArg(args, baseArgs - 2);
  } else if (flags & RADIUS_MEMBER && zs === undefined) {
    baseArgs = 5;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    xy = memberPosition(zs as SortedSet, args[2] as string);
    circle = radiusArg(args, baseArgs - 2);
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storeKey = args[1] as string;
    }
  }

  let withDist = false;
  let withHash = false;
  let withCoords = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort: 0 | 1 | 2 = 0;
  let any = false;
  let count = 0;
  const remaining = args.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const arg = (args[baseArgs + i] as string).toLowerCase();
    const has = (n: number): boolean => i + n < remaining;
    if (arg === 'withdist') withDist = true;
    else if (arg === 'withhash') withHash = true;
    else if (arg === 'withcoord') withCoords = true;
    else if (arg === 'any') any = true;
    else if (arg === 'asc') sort = 1;
    else if (arg === 'desc') sort = 2;
    else if (arg === 'count' && has(1)) {
      const n = parseInteger(args[baseArgs + i + 1] as string);
      if (n === null) throw new RedisError('ERR value is not an integer or out of range');
      if (n <= 0) throw new RedisError('ERR COUNT must be > 0');
      count = n;
      i++;
    } else if ((arg === 'store' || arg === 'storedist') && has(1) && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)) {
      storeKey = args[baseArgs + i + 1] as string;
      storeDist = arg === 'storedist';
      i++;
    } else if (arg === 'storedist' && flags & GEOSEARCH && flags & GEOSEARCHSTORE) {
      storeDist = true;
    } else if (arg === 'frommember' && has(1) && flags & GEOSEARCH && !fromLoc) {
      // Without a source key the member is not looked up: the reply is empty anyway.
      if (zs !== undefined) xy = memberPosition(zs, args[baseArgs + i + 1] as string);
      fromMember = true;
      i++;
    } else if (arg === 'fromlonlat' && has(2) && flags & GEOSEARCH && !fromMember) {
      xy = longLatArg(args, baseArgs + i + 1);
      fromLoc = true;
      i += 2;
    } else if (arg === 'byradius' && has(2) && flags & GEOSEARCH && !byBox) {
      circle = radiusArg(args, baseArgs + i + 1);
      byRadius = true;
      i += 2;
    } else if (arg === 'bybox' && has(3) && flags & GEOSEARCH && !byRadius) {
      box = boxArg(args, baseArgs + i + 1);
      byBox = true;
      i += 3;
    } else {
      throw new RedisError(SYNTAX);
    }
  }

  if (storeKey !== undefined && (withDist || withHash || withCoords)) {
    const what = flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    throw new RedisError(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  if (flags & GEOSEARCH && !(fromMember || fromLoc)) {
    throw new RedisError(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${args[0]}`);
  }
  if (flags & GEOSEARCH && !(byRadius || byBox)) {
    throw new RedisError(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${args[0]}`);
  }
  if (any && !count) throw new RedisError('ERR the ANY argument requires COUNT argument');

  if (zs === undefined) {
    if (storeKey !== undefined) storeResult(c, storeKey, new SortedSet(), 'georadiusstore');
    else c.reply.arrayLen(0);
    return;
  }

  if (count !== 0 && sort === 0 && !any) sort = 1;

  // A BYBOX after a BYRADIUS is a syntax error, so exactly one of circle/box is the shape.
  const shape: GeoShape = box
    ? { type: 'box', xy, conversion: box.conversion, width: box.width, height: box.height }
    : { type: 'circle', xy, conversion: (circle as { conversion: number }).conversion, radius: (circle as { radius: number }).radius };
  const points = searchPoints(zs, shape, any ? count : 0);

  if (points.length === 0 && storeKey === undefined) return c.reply.arrayLen(0);

  const total = points.length;
  const returned = count === 0 || total < count ? total : count;
  if (sort !== 0) {
    const cmp = sort === 1 ? sortAsc : sortDesc;
    // qsort (glibc: a stable merge sort) for all of them, pqsort for the first `returned`.
    if (returned === total) points.sort(cmp);
    else pqsort(points, cmp, 0, returned - 1);
  }

  if (storeKey === undefined) {
    const options = (withDist ? 1 : 0) + (withCoords ? 1 : 0) + (withHash ? 1 : 0);
    c.reply.arrayLen(returned);
    for (let i = 0; i < returned; i++) {
      const p = points[i] as GeoPoint;
      if (options) c.reply.arrayLen(options + 1);
      c.reply.bulk(p.member);
      if (withDist) c.reply.bulk(formatDistance(p.dist / shape.conversion));
      if (withHash) c.reply.int(BigInt(Math.trunc(p.score)));
      if (withCoords) {
        c.reply.arrayLen(2);
        replyCoord(c, p.longitude);
        replyCoord(c, p.latitude);
      }
    }
    return;
  }

  const result = new SortedSet();
  let maxLen = 0;
  for (let i = 0; i < returned; i++) {
    const p = points[i] as GeoPoint;
    result.add(p.member, storeDist ? p.dist / shape.conversion : p.score);
    if (p.member.length > maxLen) maxLen = p.member.length;
  }
  if (returned) settleEncoding(c, result, maxLen);
  // server.dirty += returned_items.
  storeResult(c, storeKey, result, flags & GEOSEARCH ? 'geosearchstore' : 'georadiusstore', returned);
}

/** georadiusGetKeys: the source key and the last STORE/STOREDIST key from argument 5 on. */
function georadiusKeys(args: string[]): number[] {
  let stored = -1;
  for (let i = 5; i < args.length; i++) {
    const a = (args[i] as string).toLowerCase();
    if ((a === 'store' || a === 'storedist') && i + 1 < args.length) {
      stored = i + 1;
      i++;
    }
  }
  return stored === -1 ? [1] : [1, stored];
}

const base = { group: 'geo', firstKey: 1, lastKey: 1, keyStep: 1 } as const;
const R = ['read', 'geo', 'slow'] as const;
const W = ['write', 'geo', 'slow'] as const;

export const geoCommands: CommandSpec[] = [
  { ...base, name: 'geoadd', arity: -5, since: '3.2.0', flags: ['write', 'denyoom'], acl: W, handler: geoadd },
  { ...base, name: 'geopos', arity: -2, since: '3.2.0', flags: ['readonly'], acl: R, handler: geopos },
  { ...base, name: 'geodist', arity: -4, since: '3.2.0', flags: ['readonly'], acl: R, handler: geodist },
  { ...base, name: 'geohash', arity: -2, since: '3.2.0', flags: ['readonly'], acl: R, handler: geohash },
  {
    ...base,
    name: 'georadius',
    arity: -6,
    since: '3.2.0',
    flags: ['write', 'denyoom', 'movablekeys'],
    getKeys: georadiusKeys,
    acl: W,
    handler: (c, a) => georadiusGeneric(c, a, 1, RADIUS_COORDS),
  },
  {
    ...base,
    name: 'georadiusbymember',
    arity: -5,
    since: '3.2.0',
    flags: ['write', 'denyoom', 'movablekeys'],
    getKeys: georadiusKeys,
    acl: W,
    handler: (c, a) => georadiusGeneric(c, a, 1, RADIUS_MEMBER),
  },
  {
    ...base,
    name: 'georadius_ro',
    arity: -6,
    since: '3.2.10',
    flags: ['readonly'],
    acl: R,
    handler: (c, a) => georadiusGeneric(c, a, 1, RADIUS_COORDS | RADIUS_NOSTORE),
  },
  {
    ...base,
    name: 'georadiusbymember_ro',
    arity: -5,
    since: '3.2.10',
    flags: ['readonly'],
    acl: R,
    handler: (c, a) => georadiusGeneric(c, a, 1, RADIUS_MEMBER | RADIUS_NOSTORE),
  },
  {
    ...base,
    name: 'geosearch',
    arity: -7,
    since: '6.2.0',
    flags: ['readonly'],
    acl: R,
    handler: (c, a) => georadiusGeneric(c, a, 1, GEOSEARCH),
  },
  {
    ...base,
    name: 'geosearchstore',
    arity: -8,
    since: '6.2.0',
    flags: ['write', 'denyoom'],
    lastKey: 2,
    acl: W,
    handler: (c, a) => georadiusGeneric(c, a, 2, GEOSEARCH | GEOSEARCHSTORE),
  },
];
