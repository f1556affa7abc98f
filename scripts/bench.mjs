// `npm run bench`: builds the engine, runs every benchmark in test/bench/ (each prints JSON and
// writes test-results/bench-<name>.json), then gathers them into bench/results.json (committed)
// and rewrites the README's generated performance tables (test/bench/lib/readmeTables.mjs).
// `node scripts/bench.mjs <part> …` runs only the parts whose file name contains a word given
// (ceilings, nexmark, engine, checkpoint, liveFrame). Benchmarks measure; they never fail the build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { updateReadme } from '../test/bench/lib/readmeTables.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
spawnSync(process.execPath, ['scripts/build.mjs', 'engine'], { stdio: 'inherit' });
const only = process.argv.slice(2);
const benches = readdirSync('test/bench').filter(
  (f) => f.endsWith('.mjs') && (only.length === 0 || only.some((o) => f.includes(o))),
);
if (benches.length === 0) {
  console.error(
    `no benchmark matches ${only.join(', ')}; parts: ${readdirSync('test/bench')
      .filter((f) => f.endsWith('.mjs'))
      .join(', ')}`,
  );
  process.exit(2);
}
const all = existsSync('bench/results.json') ? JSON.parse(readFileSync('bench/results.json', 'utf8')) : {};
const started = performance.now();
for (const f of benches) {
  const name = f.replace(/\.mjs$/, '');
  console.log(`\n=== ${name}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join('test/bench', f)], { stdio: 'inherit' });
  const out = join('test-results', `bench-${name}.json`);
  if (r.status === 0 && existsSync(out)) all[name] = JSON.parse(readFileSync(out, 'utf8'));
  else console.log(`${name} did not produce results (exit ${r.status})`);
  console.log(`=== ${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', JSON.stringify(all, null, 2) + '\n');
const readme = readFileSync('README.md', 'utf8');
const updated = updateReadme(readme, all);
if (updated !== readme) writeFileSync('README.md', updated);
console.log(
  `\nwrote bench/results.json${updated !== readme ? ' and the README tables' : ''} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
