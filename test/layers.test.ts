/**
 * The layers of src/ point one way, and docs/architecture.md's map of the code is true.
 *
 * The import graph is read from the sources with a regular expression over import/export
 * statements (static `import ... from`, `export ... from`, side-effect imports, `import('...')`),
 * relative specifiers only. Rules:
 *
 * - No import cycle at load time: counting the imports that load a module (not `import type`, not
 *   an import whose every name is `type`, not a dynamic `import()`), src/ has no cycle.
 * - No cycle between directories, type-only and dynamic imports included: if a file of src/a/
 *   imports src/b/, nothing in src/b/ imports src/a/ (one-way layers).
 *   Type-only imports *inside* one directory may go both ways: the parts a node is made of
 *   (engine/blocking.ts, engine/watch.ts, ...) name their host's type, `RedisNode`, and the node
 *   imports them; such imports are erased when compiled and order nothing at load time.
 * - src/engine/ imports only src/engine/, src/protocol/ and src/types/: the node knows no command
 *   (it is built from the table handed to it) and nothing that plugs into it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Client } from '../src/engine/client.js';
import type { CommandSpec } from '../src/engine/command.js';
import { RedisNode } from '../src/engine/node.js';
import { ROOT } from './dist.js';

const SRC = join(ROOT, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

interface Edge {
  to: string;
  /** False for `import type`, all-`type` specifiers and dynamic import(): erased or lazy. */
  loads: boolean;
}

const STATIC = /^[ \t]*(?:import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"](\.[^'"]+)['"]|^[ \t]*import\s+['"](\.[^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** Whether an import clause names only types (`{ type A, type B }`). */
function typeOnly(clause: string): boolean {
  const m = /^\{([^}]*)\}$/.exec(clause.trim());
  if (!m) return false;
  const names = (m[1] as string)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

function resolve(from: string, spec: string): string {
  return normalize(join(dirname(from), spec)).replace(/\.js$/, '.ts');
}

/** The src/ import graph: file (relative to src/) → its imports. */
function importGraph(): Map<string, Edge[]> {
  const g = new Map<string, Edge[]>();
  for (const file of walk(SRC)) {
    const text = readFileSync(file, 'utf8');
    const edges: Edge[] = [];
    for (const m of text.matchAll(STATIC)) {
      const spec = (m[3] ?? m[4]) as string;
      const loads = m[1] === undefined && !typeOnly(m[2] ?? '');
      edges.push({ to: relative(SRC, resolve(file, spec)), loads });
    }
    for (const m of text.matchAll(DYNAMIC)) edges.push({ to: relative(SRC, resolve(file, m[1] as string)), loads: false });
    g.set(relative(SRC, file), edges);
  }
  return g;
}

/** Strongly connected components of more than one node (or a node importing itself). */
function cycles(g: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || g.get(v)?.has(v)) out.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out;
}

const GRAPH = importGraph();

const dirOf = (f: string) => dirname(f);

describe('layers', () => {
  it('reads the imports it is meant to (a check of the checker)', () => {
    const node = GRAPH.get(join('engine', 'node.ts')) ?? [];
    expect(node.some((e) => e.to === join('engine', 'dispatch.ts') && e.loads)).toBe(true);
    const scripting = GRAPH.get(join('commands', 'scripting.ts')) ?? [];
    expect(scripting.some((e) => e.to === join('scripting', 'engine.ts') && !e.loads)).toBe(true);
    // Every import resolves to a file of src/.
    const missing = [...GRAPH].flatMap(([f, es]) => es.filter((e) => !GRAPH.has(e.to)).map((e) => `${f} -> ${e.to}`));
    expect(missing).toEqual([]);
  });

  it('src/ has no import cycle at load time', () => {
    const g = new Map([...GRAPH].map(([f, es]) => [f, new Set(es.filter((e) => e.loads).map((e) => e.to))]));
    expect(cycles(g)).toEqual([]);
  });

  it('directories import each other one way only (type imports included)', () => {
    const g = new Map<string, Set<string>>();
    for (const [f, es] of GRAPH) {
      const from = dirOf(f);
      if (!g.has(from)) g.set(from, new Set());
      for (const e of es) if (dirOf(e.to) !== from) g.get(from)?.add(dirOf(e.to));
    }
    const found = cycles(g).map((c) => {
      // Name the files behind each directory cycle.
      const files = [...GRAPH].flatMap(([f, es]) =>
        es.filter((e) => c.includes(dirOf(f)) && c.includes(dirOf(e.to)) && dirOf(f) !== dirOf(e.to)).map((e) => `${f} -> ${e.to}`),
      );
      return { directories: c, files };
    });
    expect(found).toEqual([]);
  });

  it('src/engine/ imports only engine/, protocol/ and types/ (no command, no plug-in)', () => {
    const allowed = new Set(['engine', 'protocol', 'types']);
    const bad = [...GRAPH]
      .filter(([f]) => dirOf(f) === 'engine')
      .flatMap(([f, es]) => es.filter((e) => !allowed.has(dirOf(e.to))).map((e) => `${f} -> ${e.to}`));
    expect(bad).toEqual([]);
  });

  it('a node runs the command table it is given, and only that', () => {
    const hello: CommandSpec = {
      name: 'hello-table',
      arity: 2,
      flags: ['fast'],
      group: 'test',
      since: '0.0.0',
      handler: (c, args) => c.reply.bulk(`hi ${args[1]}`),
    };
    const node = new RedisNode({ commands: [hello], clock: 'manual' });
    const c = new Client(node, undefined, { fake: true });
    node.execute(c, ['HELLO-TABLE', 'you']);
    node.execute(c, ['GET', 'k']);
    expect(c.reply.take()).toBe("$6\r\nhi you\r\n-ERR unknown command 'GET', with args beginning with: 'k' \r\n");
    expect(node.commandTable().map((s) => s.name)).toEqual(['hello-table']);
    node.shutdown();
  });
});

describe('docs/architecture.md', () => {
  const text = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
  /** The map: "### src/dir/" headings, each followed by "- `file.ts`: ..." lines. */
  const listed: string[] = [];
  let dir: string | undefined;
  for (const line of text.split('\n')) {
    const h = /^### (src\/(?:[\w-]+\/)*)$/.exec(line);
    if (h) dir = h[1];
    else if (/^#/.test(line)) dir = undefined;
    const item = dir && /^- `([\w.-]+\.ts)`: \S/.exec(line);
    if (item && dir) listed.push(`${dir}${item[1]}`);
  }
  const actual = walk(SRC).map((f) => `src/${relative(SRC, f)}`);

  it('lists every file of src/, each once, with what it holds', () => {
    expect(actual.filter((f) => !listed.includes(f))).toEqual([]);
    expect(listed.filter((f, i) => listed.indexOf(f) !== i)).toEqual([]);
  });

  it('lists no file that does not exist', () => {
    expect(listed.filter((f) => !actual.includes(f))).toEqual([]);
  });
});
