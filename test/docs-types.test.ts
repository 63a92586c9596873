/**
 * The docs' TypeScript is type-checked: every ```ts block of README.md and docs/*.md that
 * test/docs-blocks.test.ts runs (the same blocks, the same skip markers) is written to its own
 * module under .docs-types/ (git-ignored) and the whole set is checked by one TypeScript program,
 * strict, with `redis-sim`, `redis-sim/patterns` and `redis-sim/control` mapped to this checkout's
 * sources. A diagnostic fails the test, named by doc file and line.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { ROOT } from './dist.js';
import { BLOCKS } from './docs-extract.js';

const DIR = join(ROOT, '.docs-types');

it('every TypeScript block of the docs type-checks (strict)', () => {
  const blocks = BLOCKS.filter((b) => (b.lang === 'ts' || b.lang === 'typescript') && b.skip === undefined && b.runner === undefined);
  expect(blocks.length).toBeGreaterThan(0);
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR);
  // Each block is a module of its own (top-level await, its own imports).
  const files = new Map<string, (typeof blocks)[number]>();
  blocks.forEach((b, n) => {
    const f = join(DIR, `block${n}.ts`);
    writeFileSync(f, `${b.code}\nexport {};\n`);
    files.set(f, b);
  });
  const program = ts.createProgram([...files.keys()], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    skipLibCheck: true,
    baseUrl: ROOT,
    paths: {
      'redis-sim': ['src/index.ts'],
      'redis-sim/patterns': ['src/patterns/index.ts'],
      'redis-sim/control': ['src/control/index.ts'],
    },
  });
  const problems: string[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const b = d.file && files.get(d.file.fileName);
    if (d.file && b && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      // The block's first code line is the line after its opening fence.
      problems.push(`${b.file}:${b.line + 1 + line}:${character + 1} (block at line ${b.line}): TS${d.code} ${msg}`);
    } else {
      problems.push(`${d.file ? relative(ROOT, d.file.fileName) : '(program)'}: TS${d.code} ${msg}`);
    }
  }
  expect(problems, problems.join('\n')).toEqual([]);
}, 120_000);
