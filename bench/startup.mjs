// CLI start to first PONG: spawns `node dist/cli.js --port 0 --port-file <tmp>` and, as soon as
// the port file appears, connects and sends PING; the time from spawn to +PONG, median of 10
// runs (target <= 120 ms; redis-server for comparison). Run `npm run build` first.
// Usage: node bench/startup.mjs [runs]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const RUNS = Number(process.argv[2] ?? 10);

function ping(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      if (d.toString() === '+PONG\r\n') {
        s.destroy();
        resolve();
      }
    });
    s.on('error', reject);
  });
}

/** Spawns a server, waits for its port file, PINGs it; resolves to the ms from spawn to PONG. */
async function once(cmd, args, portFile) {
  const t0 = performance.now();
  const proc = spawn(cmd, args, { stdio: 'ignore' });
  try {
    let port = 0;
    while (!port) {
      if (existsSync(portFile)) port = Number(readFileSync(portFile, 'utf8')) || 0;
      if (!port) await new Promise((r) => setImmediate(r));
    }
    await ping(port);
    return performance.now() - t0;
  } finally {
    proc.kill('SIGKILL');
    rmSync(portFile, { force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function startupMs(runs = RUNS) {
  const dir = mkdtempSync(join(tmpdir(), 'redis-sim-startup-'));
  const times = [];
  try {
    for (let i = 0; i < runs; i++) {
      const pf = join(dir, `port${i}`);
      times.push(await once(process.execPath, [CLI, '--port', '0', '--port-file', pf], pf));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { median: median(times), times };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { median: m, times } = await startupMs();
  console.log(
    `redis-sim CLI start to first PONG: median ${m.toFixed(1)} ms of ${times.length} (${times.map((t) => t.toFixed(0)).join(' ')}); target <= 120 ms`,
  );
  // Node's own floor, for reference: an empty script's spawn to exit.
  const t0 = performance.now();
  await new Promise((r) => spawn(process.execPath, ['-e', ''], { stdio: 'ignore' }).on('exit', r));
  console.log(`node -e '' (spawn to exit): ${(performance.now() - t0).toFixed(1)} ms`);
}
