// `npm run bench`: every benchmark, redis-sim beside a real redis-server, printed as ops/s and ratios.
// Writes bench/RESULTS.md with the date, which the README quotes.
import { existsSync, writeFileSync } from 'node:fs';
import { printTable } from './lib.mjs';

const suites = [
  ['core', './core.mjs'],
  ['lists', './lists.mjs'],
  ['sorted sets', './zsets.mjs'],
  ['streams', './streams.mjs'],
  ['scripting', './scripting.mjs'],
];

const sections = [];
for (const [title, file] of suites) {
  if (!existsSync(new URL(file, import.meta.url))) continue;
  const mod = await import(file);
  const rows = await mod.run();
  printTable(`${title}: redis-sim beside redis-server`, rows);
  sections.push({ title, rows });
}

const fmt = (n) => (!Number.isFinite(n) ? 'n/a' : n < 100 ? n.toFixed(2) : Math.round(n).toLocaleString('en-US'));
let md = `# Benchmark results\n\nMeasured ${new Date().toISOString().slice(0, 10)} on this project's 2-core machine, Node ${process.version}, by \`npm run bench\`.\n`;
md += 'Ratios are redis-sim / redis-server (for times, redis-server / redis-sim): above 1 means faster than Redis.\n';
for (const s of sections) {
  md += `\n## ${s.title}\n\n| workload | redis-sim | redis-server | ratio |\n|---|---:|---:|---:|\n`;
  for (const r of s.rows)
    md += `| ${r.name} | ${fmt(r.sim)} | ${fmt(r.real)} | ${Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}x` : 'n/a'} |\n`;
}
writeFileSync(new URL('./RESULTS.md', import.meta.url), md);
console.log('\nwrote bench/RESULTS.md');
