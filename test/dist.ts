/**
 * The built package (dist/, by scripts/build.mjs), for tests that run it as a user would (the CLI
 * in its own process, the packed tarball). Rebuilt when a source file is newer than the build;
 * test files running in parallel workers wait for one build (a lock directory) instead of racing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function builtAt(): number {
  try {
    return Math.min(statSync(CLI).mtimeMs, statSync(join(ROOT, 'dist', 'cjs', 'index.js')).mtimeMs);
  } catch {
    return 0;
  }
}

const isStale = () => builtAt() < Math.max(newest(join(ROOT, 'src')), statSync(join(ROOT, 'scripts', 'build.mjs')).mtimeMs);

/** Builds dist/ if any source is newer than it (at most one build at a time per checkout). */
export async function ensureDist(): Promise<void> {
  if (!isStale()) return;
  const lock = join(tmpdir(), `redis-sim-build-${ROOT.replace(/[^\w]/g, '_')}`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another worker builds; a lock older than 5 minutes is left over from a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmdirSync(lock);
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (isStale()) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    // tsc still emits JavaScript on type errors; the tests that use dist/ fail if it is broken.
  } finally {
    rmdirSync(lock);
  }
}
