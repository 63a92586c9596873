#!/usr/bin/env node
// Runs Redis's own Tcl test suite (tests/ of a Redis source tree) in external mode against redis-sim
// and/or a real redis-server, and compares them unit by unit. Not part of `npm test`.
//
//   npm run build
//   node scripts/redis-tcl-suite.mjs /path/to/redis-7.0.15 [--servers sim,real] [--debug yes|no|both]
//        [--units unit/dump,unit/sort] [--timeout 600] [--out /tmp/tcl-suite]
//
// Each unit runs as its own `tclsh tests/test_helper.tcl --host 127.0.0.1 --port P --single unit/x`
// against a fresh server (so a unit that ends in an exception, or a server that dies, costs that unit
// only). External mode skips the tests tagged external:skip by itself. Two profiles, as issue #18
// measured them:
//   debug=no   the servers run with enable-debug-command no, and `--tags -needs:debug` skips the tests
//              that need DEBUG (or OBJECT/other debugging commands);
//   debug=yes  enable-debug-command yes, every external test runs.
// It prints, per unit, passed/failed on each server, then the names of the tests that pass on one
// server and not on the other. The raw outputs and a JSON summary go to --out.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, redisServerBin, waitForPort } from '../compat/redis-server-process.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

function parseArgs(argv) {
  const o = { src: undefined, servers: ['sim', 'real'], debug: ['no', 'yes'], units: undefined, timeout: 600 };
  o.out = join(tmpdir(), 'redis-tcl-suite');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--servers') o.servers = v().split(',');
    else if (a === '--debug') {
      const d = v();
      o.debug = d === 'both' ? ['no', 'yes'] : [d];
    } else if (a === '--units') o.units = v().split(',');
    else if (a === '--timeout') o.timeout = Number(v());
    else if (a === '--out') o.out = v();
    else if (a === '--help' || a === '-h') o.help = true;
    else if (o.src === undefined) o.src = a;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

/** Starts one server on a free port; resolves to { port, stop }. */
async function startServer(kind, debug) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `tcl-${kind}-`));
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--enable-debug-command', debug];
  const child =
    kind === 'real'
      ? spawn(redisServerBin(), [...common, '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'], { stdio: 'ignore' })
      : spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...common, '--dir', dir, '--loglevel', 'warning'], {
          stdio: 'ignore',
        });
  const exited = new Promise((r) => child.once('exit', r));
  await waitForPort(port, 15000);
  return {
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs one unit; resolves to { ok: string[], err: string[], exception: string|undefined, output }. */
function runUnit(src, unit, port, baseport, debug, timeoutSec) {
  const args = ['tests/test_helper.tcl', '--host', '127.0.0.1', '--port', String(port), '--single', unit];
  args.push('--baseport', String(baseport), '--timeout', String(timeoutSec));
  if (debug === 'no') args.push('--tags', '-needs:debug');
  return new Promise((resolvePromise) => {
    const child = spawn('tclsh', args, { cwd: src, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    // The suite's own --timeout only counts time without progress; this bounds the whole unit.
    const killer = setTimeout(() => child.kill('SIGKILL'), (timeoutSec + 60) * 1000);
    child.on('exit', () => {
      clearTimeout(killer);
      // The suite's ANSI colours go.
      const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
      const ok = [];
      const err = [];
      let exception;
      for (const line of plain.split('\n')) {
        const okLine = /^\[ok\]: (.*) \(\d+ ms\)$/.exec(line);
        const errLine = /^\[err\]: (.*)$/.exec(line);
        const excLine = /^\[exception\]: (.*)$/.exec(line);
        if (okLine) ok.push(okLine[1]);
        else if (errLine) err.push(errLine[1]);
        else if (excLine) exception = excLine[1];
      }
      if (exception === undefined && !/\[1\/1 done\]/.test(plain) && !/All tests passed/.test(plain)) {
        exception = 'the unit did not finish (killed, timed out or the server went away)';
      }
      resolvePromise({ ok, err, exception, output: plain });
    });
  });
}

function listUnits(src) {
  const r = spawnSync('tclsh', ['tests/test_helper.tcl', '--list-tests'], { cwd: src, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot list the units: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.startsWith('unit/') || l.startsWith('integration/'));
}

async function runProfile(o, kind, debug, units, baseport) {
  const results = {};
  for (const unit of units) {
    const server = await startServer(kind, debug);
    try {
      const r = await runUnit(o.src, unit, server.port, baseport, debug, o.timeout);
      results[unit] = r;
      const file = join(o.out, `${kind}-debug-${debug}`, `${unit.replaceAll('/', '_')}.txt`);
      writeFileSync(file, r.output);
      const exc = r.exception ? ` EXCEPTION: ${r.exception.slice(0, 100)}` : '';
      console.error(`[${kind} debug=${debug}] ${unit}: ${r.ok.length} passed, ${r.err.length} failed${exc}`);
    } finally {
      await server.stop();
    }
  }
  return results;
}

function report(profiles, units, debug) {
  const sim = profiles.sim;
  const real = profiles.real;
  const lines = [`## enable-debug-command ${debug}${debug === 'no' ? ' (--tags -needs:debug)' : ''}`, ''];
  const kinds = Object.keys(profiles);
  lines.push(`| unit | ${kinds.map((k) => `${k} passed | ${k} failed`).join(' | ')} |`);
  lines.push(`|---|${kinds.map(() => '---:|---:').join('|')}|`);
  const total = Object.fromEntries(kinds.map((k) => [k, { ok: 0, err: 0 }]));
  for (const unit of units) {
    const cells = kinds.map((k) => {
      const r = profiles[k][unit];
      total[k].ok += r.ok.length;
      total[k].err += r.err.length;
      return `${r.ok.length} | ${r.err.length}${r.exception ? ' (exception)' : ''}`;
    });
    lines.push(`| ${unit} | ${cells.join(' | ')} |`);
  }
  lines.push(`| **total** | ${kinds.map((k) => `${total[k].ok} | ${total[k].err}`).join(' | ')} |`, '');
  if (sim && real) {
    for (const unit of units) {
      const simOk = new Set(sim[unit].ok);
      const realOk = new Set(real[unit].ok);
      const onlyReal = [...realOk].filter((t) => !simOk.has(t));
      const onlySim = [...simOk].filter((t) => !realOk.has(t));
      if (onlyReal.length === 0 && onlySim.length === 0 && !sim[unit].exception) continue;
      lines.push(`### ${unit}`);
      for (const t of onlyReal) lines.push(`- passes on real Redis only: ${t}`);
      for (const t of onlySim) lines.push(`- passes on redis-sim only: ${t}`);
      if (sim[unit].exception) lines.push(`- redis-sim exception: ${sim[unit].exception}`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.help || o.src === undefined) {
    console.log(
      'usage: node scripts/redis-tcl-suite.mjs <redis-source-dir> [--servers sim,real] [--debug yes|no|both] [--units a,b] [--timeout s] [--out dir]',
    );
    process.exitCode = o.help ? 0 : 2;
    return;
  }
  o.src = resolve(o.src);
  if (!existsSync(join(o.src, 'tests', 'test_helper.tcl'))) throw new Error(`${o.src} has no tests/test_helper.tcl`);
  if (o.servers.includes('sim') && !existsSync(join(ROOT, 'dist', 'cli.js'))) {
    throw new Error('dist/cli.js is missing: run `npm run build` first');
  }
  const units = o.units ?? listUnits(o.src);
  const summary = {};
  const out = [`# Redis Tcl suite, external mode (${new Date().toISOString().slice(0, 10)})`, ''];
  for (const debug of o.debug) {
    for (const kind of o.servers) mkdirSync(join(o.out, `${kind}-debug-${debug}`), { recursive: true });
    // The servers' runs go side by side (each its own server, tclsh and port range).
    const runs = await Promise.all(
      o.servers.map((kind, i) => runProfile(o, kind, debug, units, 22000 + i * 2000 + (debug === 'yes' ? 1000 : 0))),
    );
    const profiles = Object.fromEntries(o.servers.map((k, i) => [k, runs[i]]));
    summary[debug] = Object.fromEntries(
      Object.entries(profiles).map(([k, res]) => [
        k,
        Object.fromEntries(Object.entries(res).map(([u, r]) => [u, { ok: r.ok, err: r.err, exception: r.exception ?? null }])),
      ]),
    );
    out.push(report(profiles, units, debug));
  }
  writeFileSync(join(o.out, 'summary.json'), JSON.stringify(summary, null, 1));
  writeFileSync(join(o.out, 'report.md'), out.join('\n'));
  console.log(out.join('\n'));
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
