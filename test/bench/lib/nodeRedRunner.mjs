// Child process of test/bench/lib/nodeRed.mjs: starts Node-RED as a library, headless (no editor,
// no admin API, no HTTP listener), on the given flow file, and writes { seconds, cpuSeconds } to
// <userDir>/result.json once the flow's last node has counted every output.
// Usage: node nodeRedRunner.mjs <folder holding node_modules/node-red> <userDir> <flows.json>
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

const [installDir, userDir, flowFile] = process.argv.slice(2);
const require = createRequire(path.join(installDir, 'package.json'));
const RED = require('node-red');

let t0 = 0;
let cpu0 = null;
/** Shared with the flow's function nodes through global context. */
const bench = {
  done: 0,
  start() {
    t0 = performance.now();
    cpu0 = process.cpuUsage();
  },
  finish() {
    const seconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(cpu0);
    fs.writeFileSync(
      path.join(userDir, 'result.json'),
      JSON.stringify({ seconds, cpuSeconds: (c.user + c.system) / 1e6 }),
    );
    RED.stop().finally(() => process.exit(0));
  },
};

RED.init(http.createServer(), {
  userDir,
  flowFile,
  httpAdminRoot: false,
  httpNodeRoot: false,
  disableEditor: true,
  credentialSecret: false,
  functionGlobalContext: { bench },
  logging: { console: { level: 'warn', metrics: false, audit: false } },
  diagnostics: { enabled: false, ui: false },
  telemetry: { enabled: false },
  externalModules: { autoInstall: false },
});
await RED.start();
