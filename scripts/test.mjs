// `npm test`: everything a newcomer's fresh machine needs, then every suite, then one line
// "N passed, N failed" summing them all. Exit 1 if anything failed.
//   1. Debian's chromium for the end-to-end tests, installed with apt when missing (as root), and
//      the loopback servers the connector tests use, started when down (scripts/services.mjs).
//   2. A build (engine bundle, editor, Electron main) — the CLI tests and e2e use the bundle.
//   3. Type-check of every environment (one check per tsconfig, scripts/tsconfigs.mjs).
//   4. Lint (eslint, with the import boundaries of STYLE.md) and the formatter check (prettier).
//   5. vitest: unit and integration tests (real worker threads, SQLite, CLI processes).
//   6. Playwright: the editor in chromium against the real web host.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureServices } from './services.mjs';
import { TSCONFIGS } from './tsconfigs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const results = [];
const t0 = Date.now();

function step(title) {
  console.log(`\n=== ${title} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  return r.status ?? 1;
}

// 1. chromium (e2e), Xvfb and ImageMagick (the desktop-window test)
const chromium = process.env.SLUICE_CHROMIUM || '/usr/bin/chromium';
const wanted = [
  [chromium, 'chromium'],
  ['/usr/bin/Xvfb', 'xvfb'],
  ['/usr/bin/import', 'imagemagick'],
].filter(([path]) => !existsSync(path));
if (wanted.length > 0) {
  const pkgs = wanted.map(([, pkg]) => pkg);
  step(`installing Debian packages for the end-to-end tests: ${pkgs.join(', ')}`);
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], { env });
    run('apt-get', ['install', '-y', '-qq', ...pkgs], { env });
  } else {
    console.log(`missing ${pkgs.join(', ')}: install them with apt-get (or set SLUICE_CHROMIUM to a Chromium)`);
  }
}

// 1b. the servers the connector tests use, on loopback: any that is down is started
step('servers on loopback (PostgreSQL, Redis, RabbitMQ, Mosquitto, NATS)');
const down = await ensureServices();
if (down.length === 0) console.log('all five are running');

// 2. build
step('build');
const built = run(process.execPath, ['scripts/build.mjs']);
results.push({ suite: 'build', passed: built === 0 ? 1 : 0, failed: built === 0 ? 0 : 1 });

// 3. type-check
step('type-check');
for (const p of TSCONFIGS) {
  const code = run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', p]);
  console.log(`${code === 0 ? 'ok  ' : 'FAIL'} tsc -p ${p}`);
  results.push({ suite: `tsc ${p}`, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 });
}

// 4. lint and format: each one suite, counted like the others, so a boundary import or an
// unformatted file fails `npm test` (and CI) instead of waiting for someone to run them.
step('lint (eslint) and format (prettier --check)');
const lint = run(process.execPath, ['node_modules/eslint/bin/eslint.js', '.']);
console.log(`${lint === 0 ? 'ok  ' : 'FAIL'} eslint .`);
results.push({ suite: 'eslint', passed: lint === 0 ? 1 : 0, failed: lint === 0 ? 0 : 1 });
const format = run(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--check', '**/*.{ts,tsx,mjs}']);
console.log(`${format === 0 ? 'ok  ' : 'FAIL'} prettier --check`);
results.push({ suite: 'prettier', passed: format === 0 ? 1 : 0, failed: format === 0 ? 0 : 1 });

// 5. vitest
step('unit and integration tests (vitest)');
mkdirSync('test-results', { recursive: true });
const vitestJson = join('test-results', 'vitest.json');
run(process.execPath, [
  'node_modules/vitest/vitest.mjs',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
results.push(countVitest(vitestJson));

// 6. playwright
step('end-to-end tests (playwright, chromium)');
const e2eJson = join(root, 'test-results', 'e2e.json');
if (existsSync(chromium)) {
  run(process.execPath, ['node_modules/@playwright/test/cli.js', 'test'], {
    env: { ...process.env, SLUICE_E2E_JSON: e2eJson },
  });
  results.push(countPlaywright(e2eJson));
} else {
  results.push({ suite: 'e2e', passed: 0, failed: 1, note: 'no chromium' });
}

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log('\n=== summary');
for (const r of results)
  console.log(
    `${r.failed ? 'FAIL' : 'ok  '} ${r.suite}: ${r.passed} passed, ${r.failed} failed${r.note ? ` (${r.note})` : ''}`,
  );
for (const r of results) for (const f of r.failures ?? []) console.log(`  failed: ${f}`);
console.log(`took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

function countVitest(file) {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    // Files that failed to load count as failures too (numFailedTestSuites).
    const failedFiles = (j.testResults ?? []).filter(
      (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
    ).length;
    // The names of what failed go in the summary too: CI may show only the log's tail.
    const failures = [];
    for (const f of j.testResults ?? []) {
      const file = relative(root, f.name ?? '');
      if (f.status === 'failed' && (f.assertionResults ?? []).length === 0)
        failures.push(`${file}: ${firstLine(f.message)}`);
      for (const a of f.assertionResults ?? [])
        if (a.status === 'failed') failures.push(`${file} > ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
    }
    return {
      suite: 'vitest',
      passed: j.numPassedTests ?? 0,
      failed: (j.numFailedTests ?? 0) + failedFiles,
      failures,
    };
  } catch {
    return { suite: 'vitest', passed: 0, failed: 1, note: 'no report' };
  }
}

function firstLine(text) {
  const line = String(text ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .find((l) => l.trim() !== '');
  return (line ?? 'no message').trim().slice(0, 200);
}

function countPlaywright(file) {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    const s = j.stats ?? {};
    const failures = [];
    const walk = (suite, file) => {
      for (const spec of suite.specs ?? [])
        for (const t of spec.tests ?? [])
          if (t.status === 'unexpected' || t.status === 'flaky')
            failures.push(
              `${file ?? spec.file}:${spec.line} ${spec.title} (${t.status}): ${firstLine(t.results?.at(-1)?.error?.message)}`,
            );
      for (const child of suite.suites ?? []) walk(child, file ?? suite.file);
    };
    for (const suite of j.suites ?? []) walk(suite, suite.file);
    return {
      suite: 'e2e',
      passed: s.expected ?? 0,
      failed: (s.unexpected ?? 0) + (s.flaky ?? 0),
      note: s.skipped ? `${s.skipped} skipped` : undefined,
      failures,
    };
  } catch {
    return { suite: 'e2e', passed: 0, failed: 1, note: 'no report' };
  }
}
