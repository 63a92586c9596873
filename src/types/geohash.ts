/**
 * Redis 7.0's geohash arithmetic (geohash.c, geohash_helper.c), reproduced operation by operation
 * so that scores, decoded coordinates, search areas and distances come out bit for bit the same.
 *
 * A geo member is a sorted-set member whose score is a 52-bit geohash: latitude (-85.05112878 ..
 * 85.05112878) and longitude (-180 .. 180) are each scaled to 26 bits and interleaved, latitude in
 * the even bits and longitude in the odd ones. Decoding gives the centre of the cell, clamped to the
 * valid ranges. Any score decodes: Redis casts it to uint64 first, so negative, fractional or huge
 * scores written with ZADD decode to some (clamped) position too.
 *
 * Hashes of the search cells (at most 26 steps, with neighbour moves that may carry into bits above
 * the step) are bigints; per-point decoding, the hot path of a search, stays in 32-bit halves.
 */

import { asin, cos, sin } from './geo-libm.js';

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

/** A geohash of `step` bits per coordinate. Both zero means "no cell" (Redis's GZERO). */
export interface HashBits {
  bits: bigint;
  step: number;
}

export interface Range {
  min: number;
  max: number;
}

export interface Area {
  hash: HashBits;
  longitude: Range;
  latitude: Range;
}

const TWO32 = 2 ** 32;
const U64 = (1n << 64n) - 1n;

/** The lower 16 bits of n spread to the even bits of a 32-bit value. */
function spread16(n: number): number {
  n &= 0xffff;
  n = (n | (n << 8)) & 0x00ff00ff;
  n = (n | (n << 4)) & 0x0f0f0f0f;
  n = (n | (n << 2)) & 0x33333333;
  n = (n | (n << 1)) & 0x55555555;
  return n >>> 0;
}

/** The even bits of a 32-bit value gathered into 16 bits (spread16's inverse). */
function compact16(n: number): number {
  n &= 0x55555555;
  n = (n | (n >>> 1)) & 0x33333333;
  n = (n | (n >>> 2)) & 0x0f0f0f0f;
  n = (n | (n >>> 4)) & 0x00ff00ff;
  n = (n | (n >>> 8)) & 0x0000ffff;
  return n;
}

/** interleave64: x (uint32) in the even bits, y (uint32) in the odd bits. */
function interleave(x: number, y: number): bigint {
  const xs = (BigInt(spread16(x >>> 16)) << 32n) | BigInt(spread16(x & 0xffff));
  const ys = (BigInt(spread16(y >>> 16)) << 32n) | BigInt(spread16(y & 0xffff));
  return xs | (ys << 1n);
}

/** deinterleave64 of the uint64 hi:lo: [even bits, odd bits] as uint32s. */
function deinterleave(hi: number, lo: number): [number, number] {
  const x = (compact16(lo) | (compact16(hi) << 16)) >>> 0;
  const y = (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0;
  return [x, y];
}

/** C's (uint32_t) cast of a double known to lie in [0, 2^32]: truncation. */
function toUint32(d: number): number {
  return Math.trunc(d) >>> 0;
}

/**
 * (uint64_t)score as gcc compiles it on x86-64, as [hi, lo] uint32 halves: truncation toward zero;
 * a negative value wraps (two's complement of cvttsd2si); below -2^63 (or -inf) the "integer
 * indefinite" 0x8000000000000000; 2^64 and above (or +inf) 0.
 */
function scoreToUint64(score: number): [number, number] {
  if (score >= 0) {
    if (score >= 2 ** 64) return [0, 0];
    const t = Math.trunc(score);
    const hi = Math.floor(t / TWO32);
    return [hi >>> 0, t - hi * TWO32];
  }
  if (!(score >= -(2 ** 63))) return [0x80000000, 0];
  const n = Math.trunc(-score);
  if (n === 0) return [0, 0];
  const nh = Math.floor(n / TWO32);
  const nl = n - nh * TWO32;
  // -n mod 2^64: invert and add one.
  const lo = nl === 0 ? 0 : TWO32 - nl;
  const hi = (~nh + (nl === 0 ? 1 : 0)) >>> 0;
  return [hi, lo];
}

/** geohashGetCoordRange: the ranges Redis indexes (Web Mercator's latitude limits). */
const LONG_RANGE: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const LAT_RANGE: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** The standard geohash ranges, for GEOHASH's strings. */
const STD_LONG_RANGE: Range = { min: -180, max: 180 };
const STD_LAT_RANGE: Range = { min: -90, max: 90 };

/**
 * geohashEncode: the cell of `step` bits per coordinate holding (longitude, latitude), or
 * undefined outside the valid ranges. An edge value (latitude == max) scales to 2^step, one past
 * the last cell, exactly as in Redis.
 */
export function geohashEncode(longRange: Range, latRange: Range, longitude: number, latitude: number, step: number): HashBits | undefined {
  if (step > 32 || step === 0) return undefined;
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return undefined;
  if (latitude < latRange.min || latitude > latRange.max || longitude < longRange.min || longitude > longRange.max) return undefined;
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let longOffset = (longitude - longRange.min) / (longRange.max - longRange.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return { bits: interleave(toUint32(latOffset), toUint32(longOffset)), step };
}

/**
 * geohashEncodeWGS84 at full precision, aligned to 52 bits: the integer GEOADD turns into a score
 * (Redis formats it with %lld and ZADD parses it back with strtod). The caller validated the pair.
 */
export function geoScoreBits(longitude: number, latitude: number): bigint {
  return geohashEncode(LONG_RANGE, LAT_RANGE, longitude, latitude, GEO_STEP_MAX)?.bits ?? 0n;
}

/** geohashDecode: the cell's bounds from its deinterleaved indexes. */
function decodeCell(longRange: Range, latRange: Range, ilato: number, ilono: number, step: number): [Range, Range] {
  const scale = 2 ** step;
  const latScale = latRange.max - latRange.min;
  const longScale = longRange.max - longRange.min;
  // (ilato + 1) is uint32 arithmetic in C: 0xffffffff + 1 wraps to 0.
  const lat: Range = {
    min: latRange.min + (ilato / scale) * latScale,
    max: latRange.min + (((ilato + 1) >>> 0) / scale) * latScale,
  };
  const lon: Range = {
    min: longRange.min + (ilono / scale) * longScale,
    max: longRange.min + (((ilono + 1) >>> 0) / scale) * longScale,
  };
  return [lon, lat];
}

/** geohashDecode for a cell hash (search areas). */
export function geohashDecode(hash: HashBits): Area {
  const b = BigInt.asUintN(64, hash.bits);
  const [ilato, ilono] = deinterleave(Number(b >> 32n), Number(b & 0xffffffffn));
  const [longitude, latitude] = decodeCell(LONG_RANGE, LAT_RANGE, ilato, ilono, hash.step);
  return { hash, longitude, latitude };
}

/**
 * decodeGeohash: the position a score stands for, [longitude, latitude]: the centre of its 26-step
 * cell, clamped to the valid ranges. Every score decodes (see scoreToUint64).
 */
export function decodeScore(score: number): [number, number] {
  const [hi, lo] = scoreToUint64(score);
  const [ilato, ilono] = deinterleave(hi, lo);
  const [lon, lat] = decodeCell(LONG_RANGE, LAT_RANGE, ilato, ilono, GEO_STEP_MAX);
  let x = (lon.min + lon.max) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (lat.min + lat.max) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

const GEOALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * GEOHASH's string for a score: the decoded position re-encoded with the standard latitude range
 * (-90..90) and written as 11 base-32 characters, the last always '0' (only 52 bits exist).
 */
export function geohashString(score: number): string {
  const [x, y] = decodeScore(score);
  const h = geohashEncode(STD_LONG_RANGE, STD_LAT_RANGE, x, y, GEO_STEP_MAX);
  const bits = h ? h.bits : 0n;
  let out = '';
  for (let i = 0; i < 10; i++) out += GEOALPHABET[Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn)];
  return `${out}0`;
}

const EVEN = 0x5555555555555555n;
const ODD = 0xaaaaaaaaaaaaaaaan;

/** geohash_move_x: one cell east (d > 0) or west (d < 0); longitude bits only, wrapping. */
function moveX(hash: HashBits, d: number): HashBits {
  if (d === 0) return hash;
  let x = hash.bits & ODD;
  const y = hash.bits & EVEN;
  const zz = EVEN >> BigInt(64 - hash.step * 2);
  if (d > 0) x = x + (zz + 1n);
  else {
    x = x | zz;
    x = x - (zz + 1n);
  }
  x = BigInt.asUintN(64, x) & (ODD >> BigInt(64 - hash.step * 2));
  return { bits: x | y, step: hash.step };
}

/** geohash_move_y: one cell north (d > 0) or south (d < 0); latitude bits only, wrapping. */
function moveY(hash: HashBits, d: number): HashBits {
  if (d === 0) return hash;
  const x = hash.bits & ODD;
  let y = hash.bits & EVEN;
  const zz = ODD >> BigInt(64 - hash.step * 2);
  if (d > 0) y = y + (zz + 1n);
  else {
    y = y | zz;
    y = y - (zz + 1n);
  }
  y = BigInt.asUintN(64, y) & (EVEN >> BigInt(64 - hash.step * 2));
  return { bits: (x | y) & U64, step: hash.step };
}

export interface Neighbors {
  north: HashBits;
  south: HashBits;
  east: HashBits;
  west: HashBits;
  northEast: HashBits;
  northWest: HashBits;
  southEast: HashBits;
  southWest: HashBits;
}

function neighborsOf(h: HashBits): Neighbors {
  return {
    east: moveX(h, 1),
    west: moveX(h, -1),
    south: moveY(h, -1),
    north: moveY(h, 1),
    northWest: moveY(moveX(h, -1), 1),
    northEast: moveY(moveX(h, 1), 1),
    southEast: moveY(moveX(h, 1), -1),
    southWest: moveY(moveX(h, -1), -1),
  };
}

/** The search shape: a circle (radius) or an axis-aligned box, centred on xy, in `conversion` units. */
export type GeoShape =
  | { type: 'circle'; xy: [number, number]; conversion: number; radius: number }
  | { type: 'box'; xy: [number, number]; conversion: number; width: number; height: number };

const D_R = Math.PI / 180.0;
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;

const degRad = (ang: number): number => ang * D_R;
const radDeg = (ang: number): number => ang / D_R;

/** geohashEstimateStepsByRadius: the coarsest step whose cells still cover the radius. */
function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2; // make sure the range is included in most of the base cases
  // Wider cells towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashBoundingBox: [min lon, min lat, max lon, max lat] of the shape. */
function boundingBox(shape: GeoShape): [number, number, number, number] {
  const [longitude, latitude] = shape.xy;
  const height = shape.conversion * (shape.type === 'circle' ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.type === 'circle' ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(latitude + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(latitude - latDelta)));
  // The hemispheres are mirrored: the wider edge is the one nearer the pole.
  const southern = latitude < 0;
  return [
    southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

const ZERO: HashBits = { bits: 0n, step: 0 };

/**
 * geohashCalculateAreasByShapeWGS84: the centre cell and its 8 neighbours (in Redis's order:
 * self, N, S, E, W, NE, NW, SE, SW) that together cover the shape. The step comes from the radius
 * (a box uses its half-diagonal), one coarser when a neighbour does not reach the bounding box's
 * edge; neighbours wholly on the far side of the bounding box are zeroed (from step 2 on).
 */
export function searchAreas(shape: GeoShape): HashBits[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const [longitude, latitude] = shape.xy;
  let radiusMeters =
    shape.type === 'circle' ? shape.radius : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radiusMeters *= shape.conversion;
  let steps = estimateSteps(radiusMeters, latitude);
  let hash = geohashEncode(LONG_RANGE, LAT_RANGE, longitude, latitude, steps) ?? { bits: 0n, step: steps };
  let nb = neighborsOf(hash);
  let area = geohashDecode(hash);

  let decreaseStep = false;
  if (geohashDecode(nb.north).latitude.max < maxLat) decreaseStep = true;
  if (geohashDecode(nb.south).latitude.min > minLat) decreaseStep = true;
  if (geohashDecode(nb.east).longitude.max < maxLon) decreaseStep = true;
  if (geohashDecode(nb.west).longitude.min > minLon) decreaseStep = true;
  if (steps > 1 && decreaseStep) {
    steps--;
    hash = geohashEncode(LONG_RANGE, LAT_RANGE, longitude, latitude, steps) ?? { bits: 0n, step: steps };
    nb = neighborsOf(hash);
    area = geohashDecode(hash);
  }

  if (steps >= 2) {
    if (area.latitude.min < minLat) {
      nb.south = ZERO;
      nb.southWest = ZERO;
      nb.southEast = ZERO;
    }
    if (area.latitude.max > maxLat) {
      nb.north = ZERO;
      nb.northEast = ZERO;
      nb.northWest = ZERO;
    }
    if (area.longitude.min < minLon) {
      nb.west = ZERO;
      nb.southWest = ZERO;
      nb.northWest = ZERO;
    }
    if (area.longitude.max > maxLon) {
      nb.east = ZERO;
      nb.southEast = ZERO;
      nb.northEast = ZERO;
    }
  }
  return [hash, nb.north, nb.south, nb.east, nb.west, nb.northEast, nb.northWest, nb.southEast, nb.southWest];
}

/**
 * scoresOfGeoHashBox: the score interval [min, max) of every 52-bit hash inside the cell: the hash
 * aligned to 52 bits, and the next hash aligned likewise (uint64 values, as doubles).
 */
export function cellScoreRange(hash: HashBits): [number, number] {
  const shift = BigInt(52 - hash.step * 2);
  const min = BigInt.asUintN(64, hash.bits << shift);
  const max = BigInt.asUintN(64, (hash.bits + 1n) << shift);
  return [Number(min), Number(max)];
}

/** geohashGetLatDistance: the distance along a meridian. */
function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/**
 * geohashGetDistance: the haversine great-circle distance in meters, on a sphere of Redis's radius
 * 6372797.560856 m; equal longitudes take the meridian shortcut.
 */
export function geoDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = sin((lat2r - lat1r) / 2);
  const a = u * u + cos(lat1r) * cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * asin(Math.sqrt(a));
}

/**
 * geoWithinShape for a decoded point: its distance from the centre when inside the shape, else
 * undefined. A circle compares the haversine distance with the radius; a box first the latitude
 * distance with half the height, then the distance along the point's parallel with half the width.
 */
export function distanceIfWithin(shape: GeoShape, x: number, y: number): number | undefined {
  const [cx, cy] = shape.xy;
  if (shape.type === 'circle') {
    const d = geoDistance(cx, cy, x, y);
    return d > shape.radius * shape.conversion ? undefined : d;
  }
  const widthM = shape.width * shape.conversion;
  const heightM = shape.height * shape.conversion;
  if (latDistance(y, cy) > heightM / 2) return undefined;
  if (geoDistance(x, y, cx, y) > widthM / 2) return undefined;
  return geoDistance(cx, cy, x, y);
}
