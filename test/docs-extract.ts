/**
 * The fenced code blocks of README.md and docs/*.md, shared by test/docs-blocks.test.ts (which
 * runs them) and test/docs-types.test.ts (which type-checks the TypeScript ones). A block that
 * cannot run says so on the line before it: `<!-- docs-test: skip (the reason) -->`. A block that
 * runs only inside a test runner (a jest environment, mocha root hooks) is marked
 * `<!-- docs-test: runner (who runs it) -->`: test/loading.test.ts writes it into its scratch
 * project as the files the block names (`// <file>` lines) and runs that runner on it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './dist.js';

/** The languages whose blocks are run. */
export const LANGS = new Set(['ts', 'typescript', 'js', 'javascript', 'sh', 'bash']);

export interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
  skip?: string;
  /** Set for a block run inside a test runner by test/loading.test.ts: who runs it. */
  runner?: string;
}

/** The fenced blocks of a markdown file, with the skip marker (and its reason) of each. */
export function extractBlocks(file: string, text: string): Block[] {
  const lines = text.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end] as string)) end++;
    const lang = (open[1] as string).toLowerCase();
    const marker = /^<!--\s*docs-test:\s*(skip|runner)\s*(?:\((.*)\))?\s*-->\s*$/.exec(lines[start - 1] ?? '');
    if (LANGS.has(lang)) {
      const block: Block = { file, line: start + 1, lang, code: lines.slice(start + 1, end).join('\n') };
      if (marker?.[1] === 'skip') block.skip = marker[2] ?? '';
      if (marker?.[1] === 'runner') block.runner = marker[2] ?? '';
      out.push(block);
    }
    i = end;
  }
  return out;
}

/** README.md and docs/*.md, relative to the checkout. */
export const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Every run-able block of the docs, in order. */
export const BLOCKS = DOCS.flatMap((f) => extractBlocks(f, readFileSync(join(ROOT, f), 'utf8')));

/**
 * The files a runner block holds: it starts with `// <file>` and may hold more, each starting at
 * its own `// <file>` line (a path ending in .js, .cjs, .mjs, .ts...), e.g. jest's globalSetup and
 * globalTeardown modules in one block.
 */
export function blockFiles(b: Block): Map<string, string> {
  const files = new Map<string, string>();
  let name: string | undefined;
  let body: string[] = [];
  const flush = () => {
    if (name !== undefined) files.set(name, `${body.join('\n')}\n`);
  };
  for (const line of b.code.split('\n')) {
    const m = /^\/\/ ([\w./-]+\.[cm]?[jt]s)(?:\s|$)/.exec(line);
    if (m) {
      flush();
      name = m[1] as string;
      body = [];
    } else body.push(line);
  }
  flush();
  if (files.size === 0) throw new Error(`${b.file}:${b.line}: a runner block starts with a \`// <file>\` line`);
  return files;
}
