/**
 * The docs are executed: every ```ts, ```js and ```sh block of README.md and docs/*.md runs as
 * written, each in its own process, and must exit with code 0 within 30 s (a block that leaves a
 * client connected never exits, and fails here). TypeScript is transpiled by the project's own
 * TypeScript (types stripped); `redis-sim` resolves to this checkout's build (dist/, as the
 * package exports it), ioredis and redis to the project's; `redis-sim` on a shell block's PATH is
 * the built CLI. A block that cannot run says so on the line before it:
 *
 *   <!-- docs-test: skip (the reason) -->
 *
 * A block that runs inside a test runner is marked `<!-- docs-test: runner (who runs it) -->` and
 * is run by test/loading.test.ts (test/docs-extract.ts).
 *
 * A shell block that talks to `redis-cli -p 7000` without starting a server itself (docs that say
 * "the shell examples assume `redis-sim --port 7000 --clock manual &`") runs against such a
 * server, started fresh for the block on a free port that replaces 7000.
 *
 * Blocks in other languages (redis-cli transcripts, output, trees) are not run. The blocks come
 * from test/docs-extract.ts; test/docs-types.test.ts type-checks the same TypeScript blocks.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchmarksDoc } from '../scripts/benchmarks-doc.mjs';
import { CLI, ensureDist, ROOT } from './dist.js';
import { BLOCKS, type Block, DOCS } from './docs-extract.js';

const run = promisify(execFile);

let dir = '';
beforeAll(async () => {
  await ensureDist();
  dir = mkdtempSync(join(tmpdir(), 'redis-sim-docs-'));
  // A project that has redis-sim (this checkout) and the project's own packages installed.
  const nm = join(dir, 'node_modules');
  mkdirSync(nm);
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name.startsWith('.')) continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(nm, name));
  }
  symlinkSync(ROOT, join(nm, 'redis-sim'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'redis-sim'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'redis-sim'), 0o755);
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts `redis-sim --port 0 --clock manual` for a shell block; resolves to its port and a stop function. */
async function serverFor(n: number): Promise<{ port: number; stop: () => void }> {
  const portFile = join(dir, `server${n}.port`);
  const proc = spawn(process.execPath, [CLI, '--port', '0', '--clock', 'manual', '--port-file', portFile], { stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  while (!existsSync(portFile)) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error('redis-sim did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { port: Number(readFileSync(portFile, 'utf8')), stop: () => proc.kill('SIGKILL') };
}

async function runBlock(b: Block, n: number): Promise<void> {
  const env = { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` };
  let cmd: string;
  let args: string[];
  let server: { port: number; stop: () => void } | undefined;
  if (b.lang === 'sh' || b.lang === 'bash') {
    const f = join(dir, `block${n}.sh`);
    let code = b.code;
    if (/-p 7000\b/.test(code) && !/^\s*redis-sim\s/m.test(code)) {
      server = await serverFor(n);
      code = code.replaceAll('7000', String(server.port));
    }
    writeFileSync(f, `set -e\n${code}\n`);
    cmd = '/bin/bash';
    args = [f];
  } else {
    const f = join(dir, `block${n}.mjs`);
    const js = b.lang.startsWith('t')
      ? ts.transpileModule(b.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
      : b.code;
    writeFileSync(f, js);
    cmd = process.execPath;
    args = [f];
  }
  try {
    await run(cmd, args, { cwd: dir, env, timeout: 30_000, killSignal: 'SIGKILL' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; killed?: boolean; code?: number };
    const why = err.killed ? 'did not exit within 30 s (something left running or connected?)' : `exited with ${err.code}`;
    throw new Error(`${b.file}:${b.line} (${b.lang}) ${why}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  } finally {
    server?.stop();
  }
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a markdown file's headings (outside code blocks). */
function anchors(text: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^```/.test(line)) fenced = !fenced;
    const h = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (h) out.add(slug(h[1] as string));
  }
  return out;
}

describe('docs links', () => {
  it('every relative link of README.md and docs/*.md points to a file (and heading) that exists', () => {
    const broken: string[] = [];
    for (const f of DOCS) {
      const text = readFileSync(join(ROOT, f), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1] as string;
        if (/^[a-z]+:/.test(target)) continue; // http:, https:, mailto:
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path === '' ? join(ROOT, f) : join(ROOT, f, '..', path);
        if (!existsSync(file)) broken.push(`${f}: ${target} (no such file)`);
        else if (anchor && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor))
          broken.push(`${f}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README links every doc and fits on two screens', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const unlinked = DOCS.filter((f) => f !== 'README.md' && !readme.includes(`](${f})`));
    expect(unlinked).toEqual([]);
    expect(readme.split('\n').length).toBeLessThanOrEqual(100);
  });

  it('the README starts with the two commands that work on a fresh machine', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
    const block = lines.slice(lines.indexOf('```sh') + 1, lines.indexOf('```'));
    expect(block[0]).toMatch(/^npm install && npm start\s/);
    expect(block[1]).toMatch(/^npm install && npm test\s/);
    expect(lines.indexOf('```sh')).toBeLessThan(5);
  });
});

describe('docs blocks run as written', () => {
  it('every skipped block gives its reason', () => {
    for (const b of BLOCKS) if (b.skip !== undefined) expect(b.skip, `${b.file}:${b.line}`).not.toBe('');
    for (const b of BLOCKS) if (b.runner !== undefined) expect(b.runner, `${b.file}:${b.line}`).not.toBe('');
  });

  it("README's command counts are docs/commands.md's (both written by scripts/command-coverage.mjs)", () => {
    const COUNTS = /\*\*\d+ implemented, \d+ partial, \d+ not implemented, of \d+ commands\.\*\*/;
    const fromReport = COUNTS.exec(readFileSync(join(ROOT, 'docs', 'commands.md'), 'utf8'))?.[0];
    expect(fromReport).toBeDefined();
    expect(COUNTS.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))?.[0]).toBe(fromReport);
  });

  it('docs/benchmarks.md is generated from bench/RESULTS.md (node scripts/benchmarks-doc.mjs)', () => {
    const results = readFileSync(join(ROOT, 'bench', 'RESULTS.md'), 'utf8');
    expect(readFileSync(join(ROOT, 'docs', 'benchmarks.md'), 'utf8')).toBe(benchmarksDoc(results));
  });

  BLOCKS.forEach((b, n) => {
    it.skipIf(b.skip !== undefined || b.runner !== undefined)(`${b.file}:${b.line} (${b.lang})`, () => runBlock(b, n), 60_000);
  });
});
