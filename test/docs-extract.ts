/**
 * The fenced code blocks of README.md and docs/*.md, shared by test/docs-blocks.test.ts (which
 * runs them) and test/docs-types.test.ts (which type-checks the TypeScript ones). A block that
 * cannot run says so on the line before it: `<!-- docs-test: skip (the reason) -->`.
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
    const marker = /^<!--\s*docs-test:\s*skip\s*(?:\((.*)\))?\s*-->\s*$/.exec(lines[start - 1] ?? '');
    if (LANGS.has(lang)) {
      out.push({ file, line: start + 1, lang, code: lines.slice(start + 1, end).join('\n'), skip: marker ? (marker[1] ?? '') : undefined });
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
