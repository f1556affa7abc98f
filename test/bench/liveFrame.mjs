// The live view's frame cost (issue 5), run by `npm run bench` or `node test/bench/liveFrame.mjs`.
// Runs the end-to-end benchmark test/e2e/liveFrameCost.spec.ts in chromium against the real web
// host: 200 edges and 201 nodes at 4 frames a second, on a laptop-sized screen (fit view: labels
// without text) and a 4K screen (fit view: every label and counter drawn with text). The spec
// writes test-results/bench-liveFrame.json; this prints it. Target: ≤ 8 ms of main-thread time
// per frame.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.join(root, 'test-results', 'bench-liveFrame.json');
fs.rmSync(out, { force: true });
const r = spawnSync('npx', ['playwright', 'test', 'test/e2e/liveFrameCost.spec.ts'], {
  cwd: root,
  stdio: 'inherit',
  // A fresh build and web host, never a server left running by someone else.
  env: { ...process.env, CI: '1' },
});
if (r.status !== 0 || !fs.existsSync(out)) {
  console.error('the live frame benchmark did not finish');
  process.exit(1);
}
console.log(fs.readFileSync(out, 'utf8'));
