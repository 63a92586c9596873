#!/usr/bin/env node
// The `redis-sim` bin (copied to dist/cli.js by scripts/build.mjs): runs dist/cli-bundle.cjs, the
// CLI and its modules in one file, compiled with a V8 code cache so a start does not parse ~1.8 MB
// of JavaScript again. Node >= 22.1 has its own cache (module.enableCompileCache); on older Node the
// cache is vm.Script's cachedData, kept in a 0700 directory of the OS temporary directory, per
// installed bundle, build and Node version,
// written once the server has started (so it holds the functions the start compiled), and simply
// ignored when absent, stale (V8 rejects it) or unwritable.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = fileURLToPath(new URL('./cli-bundle.cjs', import.meta.url));
const nodeRequire = createRequire(bundle);
let run;
if (typeof module.enableCompileCache === 'function') {
  module.enableCompileCache();
  run = nodeRequire(bundle);
} else {
  let cacheFile;
  let prefix;
  let cachedData;
  try {
    const st = statSync(bundle);
    // One cache per installed bundle (its path hashed), per build (size, time) and per Node.
    let h = 2166136261;
    for (const ch of bundle) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    prefix = `cli-${h.toString(16)}-`;
    cacheFile = join(
      tmpdir(),
      `redis-sim-compile-cache-${process.getuid?.() ?? 'u'}`,
      `${prefix}${process.version}-${process.arch}-${st.size}-${Math.floor(st.mtimeMs)}.bin`,
    );
    // Only a directory of this user's own (0700) is trusted with code.
    const dir = statSync(dirname(cacheFile));
    if (process.getuid && (dir.uid !== process.getuid() || (dir.mode & 0o077) !== 0)) throw new Error('not ours');
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(`(function (module) {${readFileSync(bundle, 'utf8')}\n})`, { filename: bundle, cachedData });
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
    setTimeout(() => {
      try {
        mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
        writeFileSync(`${cacheFile}.${process.pid}`, script.createCachedData());
        renameSync(`${cacheFile}.${process.pid}`, cacheFile);
        // Caches of earlier builds or Node versions are of no further use.
        const dir = dirname(cacheFile);
        for (const f of readdirSync(dir))
          if (f.startsWith(prefix) && f.endsWith('.bin') && f !== basename(cacheFile)) rmSync(join(dir, f), { force: true });
      } catch {
        // No cache this time: the next start compiles again.
      }
    }, 1000).unref();
  }
  const m = { exports: undefined };
  script.runInThisContext()(m);
  run = m.exports;
}
run(nodeRequire, import.meta.url);
