/**
 * HyperLogLog commands (Redis 7.0's hyperloglog.c): PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST.
 *
 * A HLL is a string value holding Redis's exact representation (types/hyperloglog.ts), so GET,
 * SET, DUMP/RESTORE, APPEND... see and produce the same bytes as Redis. Every command first checks
 * the value (isHLLObjectOrReply): another type is the usual WRONGTYPE; a string that is not a HLL
 * ("HYLL" magic, encoding 0/1, a dense one exactly 12304 bytes) is "WRONGTYPE Key is not a valid
 * HyperLogLog string value."; sparse data that does not cover exactly 16384 registers is found
 * while reading it: "INVALIDOBJ Corrupted HLL object detected".
 *
 * Modifying a HLL "unshares" the string (dbUnshareStringValue): an embstr value (a HLL copied in
 * with SET) becomes raw, even for PFCOUNT and PFDEBUG, which do not change its bytes otherwise.
 *
 * Events, WATCH and dirty as Redis:
 * - PFADD: key created ("new") when missing; if anything changed (creation or a register):
 *   signalModifiedKey, event "pfadd" (class $), dirty += number of changes, cache invalidated.
 *   A corrupt sparse HLL replies INVALIDOBJ, keeping the registers set before it was noticed.
 * - PFCOUNT key: returns the cached cardinality while valid; otherwise computes it, stores it in
 *   the header and signals the key (WATCH) with no event. PFCOUNT k1 k2...: the union, computed
 *   on a scratch register array; no key is modified. It is flagged readonly + may_replicate, so a
 *   read-only script may not call it.
 * - PFMERGE dest src...: reads every key, dest included (lookupKeyRead: hits/misses), then writes
 *   the registers' maxima into dest (created if missing, made dense if any input is dense); always
 *   signals, fires "pfadd" and invalidates the cache, even when nothing changed.
 * - PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: key looked up first ("ERR The specified key does
 *   not exist"), then checked, then the subcommand ("ERR Unknown PFDEBUG subcommand 'x'"). GETREG
 *   and TODENSE convert a sparse HLL to dense in place without signalling the key (dirty only).
 * - PFSELFTEST: runs Redis's register and estimator self-test on this implementation: +OK.
 */
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { configNumber } from '../engine/encoding.js';
import { RedisError } from '../engine/errors.js';
import { RedisObject } from '../engine/values.js';
import {
  cachedCard,
  cacheValid,
  countRaw,
  createHll,
  decodeSparse,
  denseGet,
  encoding,
  encodingOf,
  HLL_DENSE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  type HllBuf,
  hllAdd,
  hllCount,
  invalidateCache,
  isValidHll,
  mergeInto,
  selfTest,
  setCachedCard,
  setRegister,
  sparseToDense,
} from '../types/hyperloglog.js';

const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const INVALID_HLL = 'INVALIDOBJ Corrupted HLL object detected';

/**
 * The byte Redis keeps just past a HLL's end (the sds terminator) when an update of a corrupt
 * sparse HLL wrote over it: Redis reads it back as the second byte of a truncated XZERO opcode.
 * Remembered per object while its value is the one written.
 */
const terminators = new WeakMap<RedisObject, { value: string; term: number }>();

/** The bytes of a HLL value, with sds's terminator and spare room. */
function load(o: RedisObject<'string'>): HllBuf {
  const s = o.value;
  const b = new Uint8Array(s.length + 4);
  Buffer.from(b.buffer, b.byteOffset, s.length).write(s, 'latin1');
  const t = terminators.get(o);
  if (t !== undefined && t.value === s) b[s.length] = t.term;
  return { b, len: s.length };
}

function toStr(h: HllBuf): string {
  return Buffer.from(h.b.buffer, h.b.byteOffset, h.len).toString('latin1');
}

/** Writes the bytes back as the object's value. */
function store(o: RedisObject<'string'>, h: HllBuf): void {
  o.value = toStr(h);
  const term = h.b[h.len] ?? 0;
  if (term !== 0) terminators.set(o, { value: o.value, term });
  else terminators.delete(o);
}

/** isHLLObjectOrReply: the value must be a string holding a HLL. */
function checkHll(o: RedisObject<'string'>): void {
  if (!isValidHll(o.value)) throw new RedisError(NOT_HLL);
}

/** dbUnshareStringValue: the value is now a private raw string. */
function unshare(o: RedisObject<'string'>): void {
  o.raw = true;
}

function sparseMaxBytes(c: Client): number {
  return configNumber(c.node, 'hll-sparse-max-bytes');
}

/** A new HLL string object at `key` (createHLLObject + dbAdd: raw encoding, "new" event). */
function createKey(c: Client, key: string): RedisObject<'string'> {
  const o = new RedisObject('string', toStr(createHll()), c.node.clock.now());
  o.raw = true;
  c.db.add(key, o);
  return o;
}

/** lookupKeyRead inside a write command: counted in keyspace hits/misses. */
function lookupRead(c: Client, key: string): RedisObject<'string'> | undefined {
  return c.node.asRead(() => c.db.get(key, 'string'));
}

/** PFADD key [element ...]: 1 if the key was created or a register changed, else 0. */
function pfadd(c: Client, args: string[]): void {
  const key = args[1] as string;
  let o = c.db.get(key, 'string');
  let updated = 0;
  if (o === undefined) {
    o = createKey(c, key);
    updated++;
  } else {
    checkHll(o);
    unshare(o);
  }
  if (args.length > 2) {
    const h = load(o);
    const maxBytes = sparseMaxBytes(c);
    let changed = false;
    let corrupt = false;
    for (let j = 2; j < args.length; j++) {
      const r = hllAdd(h, args[j] as string, maxBytes);
      if (r === 1) {
        updated++;
        changed = true;
      } else if (r === -1) {
        corrupt = true;
        break;
      }
    }
    // Registers set before a corruption was noticed stay set, as Redis modifies in place.
    if (corrupt) {
      if (changed) store(o, h);
      throw new RedisError(INVALID_HLL);
    }
    if (updated > 0) invalidateCache(h);
    if (changed || updated > 0) store(o, h);
  } else if (updated > 0) {
    const h = load(o);
    invalidateCache(h);
    store(o, h);
  }
  if (updated > 0) {
    c.node.signalModifiedKey(c.db, key);
    c.node.notify(c.db, '$', 'pfadd', key);
    c.node.stats.dirty += updated;
  }
  c.reply.int(updated > 0 ? 1 : 0);
}

/** PFCOUNT key [key ...]: the estimated cardinality (of the union for several keys). */
function pfcount(c: Client, args: string[]): void {
  if (args.length > 2) {
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < args.length; j++) {
      const o = c.db.get(args[j] as string, 'string');
      if (o === undefined) continue; // a missing key is an empty HLL
      checkHll(o);
      if (!mergeInto(max, load(o))) throw new RedisError(INVALID_HLL);
    }
    c.reply.int(countRaw(max));
    return;
  }
  const key = args[1] as string;
  const o = c.db.get(key, 'string');
  if (o === undefined) {
    c.reply.int(0);
    return;
  }
  checkHll(o);
  unshare(o);
  if (cacheValid(o.value)) {
    c.reply.int(cachedCard(o.value));
    return;
  }
  const h = load(o);
  const { card, invalid } = hllCount(h);
  if (invalid) throw new RedisError(INVALID_HLL);
  setCachedCard(h, card);
  store(o, h);
  // A read-only command that modifies the value: WATCH sees it, no keyspace event; dirty + 1
  c.node.signalModifiedKey(c.db, key);
  c.node.stats.dirty++;
  c.reply.int(card);
}

/** PFMERGE destkey [sourcekey ...]: OK. */
function pfmerge(c: Client, args: string[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < args.length; j++) {
    const o = lookupRead(c, args[j] as string);
    if (o === undefined) continue;
    checkHll(o);
    if (encodingOf(o.value) === HLL_DENSE) useDense = true;
    if (!mergeInto(max, load(o))) throw new RedisError(INVALID_HLL);
  }
  const dest = args[1] as string;
  let o = c.db.get(dest, 'string');
  if (o === undefined) o = createKey(c, dest);
  else unshare(o); // already checked as a source
  const h = load(o);
  if (useDense && !sparseToDense(h)) throw new RedisError(INVALID_HLL);
  const maxBytes = sparseMaxBytes(c);
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const v = max[j] as number;
    if (v !== 0) setRegister(h, j, v, maxBytes);
  }
  invalidateCache(h);
  store(o, h);
  c.node.signalModifiedKey(c.db, dest);
  c.node.stats.dirty++;
  // Redis fires "pfadd" for PFMERGE: a merge is a mass add of elements.
  c.node.notify(c.db, '$', 'pfadd', dest);
  c.reply.ok();
}

/** PFDEBUG <subcommand> <key>. */
function pfdebug(c: Client, args: string[]): void {
  const cmd = args[1] as string;
  const key = args[2] as string;
  const o = c.db.get(key, 'string');
  if (o === undefined) throw new RedisError('ERR The specified key does not exist');
  checkHll(o);
  unshare(o);
  // Redis compares with strcasecmp: the name ends at a NUL byte.
  const z = cmd.indexOf('\0');
  const name = (z < 0 ? cmd : cmd.slice(0, z)).toLowerCase();
  switch (name) {
    case 'getreg': {
      const h = load(o);
      if (encoding(h) === HLL_SPARSE) {
        if (!sparseToDense(h)) throw new RedisError(INVALID_HLL);
        store(o, h);
        c.node.stats.dirty++; // propagated as an encoding change
      }
      c.reply.arrayLen(HLL_REGISTERS);
      let out = '';
      for (let j = 0; j < HLL_REGISTERS; j++) out += `:${denseGet(h.b, HLL_HDR_SIZE, j)}\r\n`;
      c.reply.raw(out);
      return;
    }
    case 'decode': {
      const h = load(o);
      if (encoding(h) !== HLL_SPARSE) throw new RedisError('ERR HLL encoding is not sparse');
      c.reply.bulk(decodeSparse(h));
      return;
    }
    case 'encoding':
      c.reply.simple(encodingOf(o.value) === HLL_DENSE ? 'dense' : 'sparse');
      return;
    case 'todense': {
      let conv = 0;
      if (encodingOf(o.value) === HLL_SPARSE) {
        const h = load(o);
        if (!sparseToDense(h)) throw new RedisError(INVALID_HLL);
        store(o, h);
        conv = 1;
        c.node.stats.dirty++;
      }
      c.reply.int(conv);
      return;
    }
    default:
      // addReplyErrorFormat prints the name as a C string (up to a NUL byte).
      throw new RedisError(`ERR Unknown PFDEBUG subcommand '${z < 0 ? cmd : cmd.slice(0, z)}'`);
  }
}

/** rand() stand-in for PFSELFTEST (a 31-bit LCG; the test holds for any sequence). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 1;
  };
}

function pfselftest(c: Client): void {
  const err = selfTest(sparseMaxBytes(c), lcg(Date.now()));
  if (err !== null) throw new RedisError(err);
  c.reply.ok();
}

const base = { group: 'hyperloglog', since: '2.8.9' } as const;

export const hyperloglogCommands: CommandSpec[] = [
  {
    ...base,
    name: 'pfadd',
    arity: -2,
    flags: ['write', 'denyoom', 'fast'],
    firstKey: 1,
    lastKey: 1,
    keyStep: 1,
    acl: ['write', 'hyperloglog', 'fast'],
    complexity: 'O(1) to add every element.',
    summary: 'Adds the specified elements to the specified HyperLogLog.',
    handler: pfadd,
  },
  {
    ...base,
    name: 'pfcount',
    arity: -2,
    // MAY_REPLICATE is hidden from COMMAND INFO but stops the command in read-only scripts and
    // under CLIENT PAUSE WRITE, as PFCOUNT may update the cached cardinality.
    flags: ['readonly', 'may_replicate'],
    firstKey: 1,
    lastKey: -1,
    keyStep: 1,
    acl: ['read', 'hyperloglog', 'slow'],
    complexity:
      'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.',
    summary: 'Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).',
    handler: pfcount,
  },
  {
    ...base,
    name: 'pfmerge',
    arity: -2,
    flags: ['write', 'denyoom'],
    firstKey: 1,
    lastKey: -1,
    keyStep: 1,
    acl: ['write', 'hyperloglog', 'slow'],
    complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.',
    summary: 'Merge N different HyperLogLogs into a single one.',
    handler: pfmerge,
  },
  {
    ...base,
    name: 'pfdebug',
    arity: 3,
    flags: ['write', 'denyoom', 'admin'],
    firstKey: 2,
    lastKey: 2,
    keyStep: 1,
    acl: ['write', 'hyperloglog', 'admin', 'slow', 'dangerous'],
    complexity: 'N/A',
    summary: 'Internal commands for debugging HyperLogLog values',
    handler: pfdebug,
  },
  {
    ...base,
    name: 'pfselftest',
    arity: 1,
    flags: ['admin'],
    acl: ['hyperloglog', 'admin', 'slow', 'dangerous'],
    complexity: 'N/A',
    summary: 'An internal command for testing HyperLogLog values',
    handler: pfselftest,
  },
];
