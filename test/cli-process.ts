/**
 * redis-sim as a separate process (dist/cli.js, rebuilt first when a source file is newer), for
 * tests whose subject is the process itself: what a fresh process does first (the scripting
 * engine loads on the first script), or behaviour under a small V8 heap (node flags such as
 * --max-old-space-size), where a failure would take the test runner down with it in-process.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');

function newestSource(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/ when any file under src/ is newer than dist/cli.js (call from beforeAll). */
export function buildCliIfStale(): void {
  let built = 0;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {}
  if (built < newestSource(join(ROOT, 'src'))) {
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
    } catch {
      // Type errors elsewhere still emit JavaScript; the tests fail if the CLI is broken.
    }
  }
}

export interface CliProcess {
  proc: ChildProcessWithoutNullStreams;
  port: number;
  /** Everything the process printed so far (stdout and stderr). */
  out: () => string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string | null>;
}

const running: CliProcess[] = [];
afterEach(() => {
  for (const r of running.splice(0)) if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGKILL');
});

/** Starts the CLI on a free port with `nodeArgs` for node; resolves at its ready line. */
export function startCliProcess(args: string[] = [], nodeArgs: string[] = []): Promise<CliProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...nodeArgs, CLI, '--port', '0', ...args], { cwd: ROOT });
    let out = '';
    const exited = new Promise<number | string | null>((res) => proc.on('exit', (code, sig) => res(code ?? sig)));
    const r: CliProcess = { proc, port: 0, out: () => out, exited };
    running.push(r);
    const timer = setTimeout(() => reject(new Error(`CLI did not become ready: ${out}`)), 20_000);
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /, port (\d+)/.exec(out);
      if (m && out.includes('Ready to accept connections') && r.port === 0) {
        clearTimeout(timer);
        r.port = Number(m[1]);
        resolve(r);
      }
    });
    proc.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.on('exit', () => {
      clearTimeout(timer);
      if (!r.port) reject(new Error(`CLI exited: ${out}`));
    });
  });
}
