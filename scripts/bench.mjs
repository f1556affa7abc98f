// `npm run bench`: builds the engine, runs every benchmark in test/bench/ (each prints JSON and
// writes test-results/bench-<name>.json), then gathers them into bench/results.json (committed,
// summarised in the README). Benchmarks measure; they never fail the build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
spawnSync(process.execPath, ['scripts/build.mjs', 'engine'], { stdio: 'inherit' });
const only = process.argv.slice(2);
const benches = readdirSync('test/bench').filter(
  (f) => f.endsWith('.mjs') && (only.length === 0 || only.some((o) => f.includes(o))),
);
const all = existsSync('bench/results.json') ? JSON.parse(readFileSync('bench/results.json', 'utf8')) : {};
for (const f of benches) {
  const name = f.replace(/\.mjs$/, '');
  console.log(`\n=== ${name}`);
  const r = spawnSync(process.execPath, [join('test/bench', f)], { stdio: 'inherit' });
  const out = join('test-results', `bench-${name}.json`);
  if (r.status === 0 && existsSync(out)) all[name] = JSON.parse(readFileSync(out, 'utf8'));
  else console.log(`${name} did not produce results (exit ${r.status})`);
}
mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', JSON.stringify(all, null, 2) + '\n');
console.log('\nwrote bench/results.json');
