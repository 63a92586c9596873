/**
 * Commands' key specs (command-meta.ts's, or derived from the legacy key positions) and the keys
 * of a command's arguments with their flags (getKeysUsingKeySpecs): read by COMMAND INFO/DOCS/
 * GETKEYS (commands/command-info.ts) and by ACL key checks (acl/permissions.ts).
 */
import { type CommandSpec, keyPositions } from './command.js';
import { COMMAND_META_JSON } from './command-meta.js';

/** A RESP3 reply tree as stored in command-meta.ts. */
export type Tree = string | number | Tree[] | { m: [Tree, Tree][] } | { s: Tree[] } | { t: string };
interface Meta {
  keySpecs?: { s: Tree[] };
  docs?: { m: [Tree, Tree][] };
}
let parsed: Record<string, Meta> | undefined;
/** Parsed on the first COMMAND INFO/DOCS/GETKEYS: 350 KB of JSON no other command needs. */
export function metaOf(name: string): Meta | undefined {
  parsed ??= JSON.parse(COMMAND_META_JSON) as Record<string, Meta>;
  return parsed[name];
}

export interface Resolved {
  spec: CommandSpec;
  fullname: string;
}

/** A key spec derived from legacy positions, for a command absent from command-meta.ts. */
function derivedKeySpecs(spec: CommandSpec): { s: Tree[] } {
  const first = spec.firstKey ?? 0;
  if (first <= 0) return { s: [] };
  const last = spec.lastKey ?? first;
  const lastkey = last < 0 ? last : last - first;
  return {
    s: [
      {
        m: [
          ['flags', { s: [] }],
          [
            'begin_search',
            {
              m: [
                ['type', 'index'],
                ['spec', { m: [['index', first]] }],
              ],
            },
          ],
          [
            'find_keys',
            {
              m: [
                ['type', 'range'],
                [
                  'spec',
                  {
                    m: [
                      ['lastkey', lastkey],
                      ['keystep', spec.keyStep ?? 1],
                      ['limit', 0],
                    ],
                  },
                ],
              ],
            },
          ],
        ],
      },
    ],
  };
}

export function keySpecsOf(r: Resolved): { s: Tree[] } {
  return metaOf(r.fullname)?.keySpecs ?? derivedKeySpecs(r.spec);
}

export interface KeyRef {
  pos: number;
  flags: string[];
}

export type TreeMap = { m: [Tree, Tree][] };
export function field(t: Tree | undefined, name: string): Tree | undefined {
  if (t && typeof t === 'object' && 'm' in t) return (t as TreeMap).m.find(([k]) => k === name)?.[1];
  return undefined;
}
export function statusList(t: Tree | undefined): string[] {
  if (t && typeof t === 'object' && 's' in t)
    return t.s.map((x) => (typeof x === 'object' && 't' in (x as object) ? (x as { t: string }).t : String(x)));
  return [];
}

/**
 * The key flags of the two 7.0 commands whose specs say "variable_flags", as their getkeys procs:
 * SET is OW update, or RW access update with GET; BITFIELD is RW access update with a SET or
 * INCRBY operation, RO access otherwise.
 */
function variableFlags(argv: string[]): string[] | undefined {
  const name = (argv[0] as string).toLowerCase();
  const rest = argv.slice(2).map((a) => a.toLowerCase());
  if (name === 'set') return rest.includes('get') ? ['RW', 'access', 'update'] : ['OW', 'update'];
  if (name === 'bitfield') {
    const writes = rest.some((a) => a === 'set' || a === 'incrby');
    return writes ? ['RW', 'access', 'update'] : ['RO', 'access'];
  }
  return undefined;
}

/**
 * Keys of `argv` by the command's key specs (Redis's getKeysUsingKeySpecs), each with its spec's
 * flags; null when the arguments do not fit the specs. Returns undefined when the specs cannot
 * be interpreted alone (unknown begin/find types, variable flags): the caller uses the table's
 * key positions instead.
 */
export function keysBySpecs(specs: Tree[], argv: string[]): KeyRef[] | null | undefined {
  const out: KeyRef[] = [];
  const argc = argv.length;
  for (const ks of specs) {
    let flags = statusList(field(ks, 'flags'));
    if (flags.includes('variable_flags')) flags = variableFlags(argv) ?? flags;
    if (flags.includes('variable_flags') || flags.includes('incomplete')) return undefined;
    const bs = field(ks, 'begin_search');
    const fk = field(ks, 'find_keys');
    const bsType = field(bs, 'type');
    const bsSpec = field(bs, 'spec');
    let first = 0;
    if (bsType === 'index') first = field(bsSpec, 'index') as number;
    else if (bsType === 'keyword') {
      const kw = (field(bsSpec, 'keyword') as string).toLowerCase();
      const from = field(bsSpec, 'startfrom') as number;
      const start = from > 0 ? from : argc + from;
      const end = from > 0 ? argc - 1 : 0;
      const step = from > 0 ? 1 : -1;
      for (let i = start; step > 0 ? i <= end : i >= end; i += step) {
        if (i >= argc || i < 0) break;
        if ((argv[i] as string).toLowerCase() === kw) {
          first = i + 1;
          break;
        }
      }
      if (!first) continue;
    } else return undefined;
    const fkType = field(fk, 'type');
    const fkSpec = field(fk, 'spec');
    let last: number;
    let step: number;
    if (fkType === 'range') {
      const lastkey = field(fkSpec, 'lastkey') as number;
      const limit = field(fkSpec, 'limit') as number;
      step = field(fkSpec, 'keystep') as number;
      if (lastkey >= 0) last = first + lastkey;
      else if (!limit) last = argc + lastkey;
      else last = first + (Math.floor((argc - first) / limit) + lastkey);
    } else if (fkType === 'keynum') {
      const idx = first + (field(fkSpec, 'keynumidx') as number);
      const raw = argv[idx];
      if (raw === undefined || !/^-?\d+$/.test(raw)) return null;
      const numkeys = Number(raw);
      first += field(fkSpec, 'firstkey') as number;
      step = field(fkSpec, 'keystep') as number;
      last = first + (numkeys - 1) * step;
    } else return undefined;
    for (let i = first; i <= last; i += step) {
      if (i >= argc || i < first) return null;
      out.push({ pos: i, flags });
    }
  }
  return out;
}

/**
 * The keys of a command with their key-spec flags (getKeysFromCommandWithSpecs), for ACL key
 * checks: an empty list when the arguments do not fit the specs.
 */
export function keyRefsWithFlags(spec: CommandSpec, fullname: string, argv: string[]): KeyRef[] {
  const specs = keySpecsOf({ spec, fullname }).s;
  const keys = keysBySpecs(specs, argv);
  if (keys !== undefined) return keys ?? [];
  // The getkeys procs give the first key the first spec's flags and the others the last spec's:
  // SORT's STORE destination is OW update (sortGetKeys: key_specs[2]), its source RO access;
  // MIGRATE's KEYS list takes its second spec's.
  const flagsOf = specs.map((ks) => statusList(field(ks, 'flags')).filter((f) => f !== 'variable_flags' && f !== 'incomplete'));
  const last = flagsOf[flagsOf.length - 1] ?? [];
  return keyPositions(spec, argv).map((pos, i) => ({ pos, flags: i === 0 ? (flagsOf[0] ?? []) : last }));
}
