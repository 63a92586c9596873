// Builds the package: dist/ (ES modules and .d.ts, type-checked by tsc -p tsconfig.build.json) and
// dist/cjs/ (the same sources as CommonJS, for require() and CommonJS toolchains such as jest's
// default mode). The CommonJS files are transpiled file by file from the same sources (the type
// check already ran), and reuse the declarations, which hold no module-format-specific syntax.
// src/cli.ts is ESM only (the bin).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const ts = require('typescript');

const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

function* sources(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) yield p;
  }
}
const SRC = join(ROOT, 'src');
const CJS = join(ROOT, 'dist', 'cjs');
for (const file of sources(SRC)) {
  const rel = relative(SRC, file);
  if (rel === 'cli.ts') continue;
  const out = join(CJS, rel.replace(/\.ts$/, '.js'));
  mkdirSync(dirname(out), { recursive: true });
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  });
  writeFileSync(out, outputText);
  copyFileSync(join(ROOT, 'dist', rel.replace(/\.ts$/, '.d.ts')), out.replace(/\.js$/, '.d.ts'));
}
writeFileSync(join(CJS, 'package.json'), '{ "type": "commonjs" }\n');

// Output whose source is gone (a renamed or deleted module) is removed rather than the whole of
// dist/ first, so a CLI or test already running from dist/ keeps its files while this runs.
function prune(dir, srcDir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (p === CJS) prune(p, SRC);
    else if (e.isDirectory()) {
      prune(p, join(srcDir, e.name));
      if (readdirSync(p).length === 0) rmSync(p, { recursive: true });
    } else if (e.name !== 'package.json') {
      const base = e.name.replace(/\.(d\.ts|js|js\.map|d\.ts\.map)$/, '');
      if (!existsSync(join(srcDir, `${base}.ts`))) rmSync(p);
    }
  }
}
prune(join(ROOT, 'dist'), SRC);
