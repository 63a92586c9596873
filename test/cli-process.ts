/**
 * redis-sim as a separate process (dist/cli.js, rebuilt first by test/dist.ts's ensureDist when a
 * source file is newer), for tests whose subject is the process itself: flags and config files,
 * signals, what a fresh process does first (the scripting engine loads on the first script), or
 * behaviour under a small V8 heap (node flags such as --max-old-space-size), where a failure would
 * take the test runner down with it in-process.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { afterEach } from 'vitest';
import { CLI, ROOT } from './dist.js';

export { ensureDist } from './dist.js';

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

/**
 * Starts the CLI on a free port with `nodeArgs` for node; resolves at its ready line. A
 * configuration file given as the first argument stays first, as redis-server wants it.
 */
export function startCliProcess(args: string[] = [], nodeArgs: string[] = []): Promise<CliProcess> {
  return new Promise((resolve, reject) => {
    const argv = args[0] !== undefined && !args[0].startsWith('-') ? [args[0], '--port', '0', ...args.slice(1)] : ['--port', '0', ...args];
    const proc = spawn(process.execPath, [...nodeArgs, CLI, ...argv], { cwd: ROOT });
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
