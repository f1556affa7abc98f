// Type-checks each environment with its own tsconfig, so a wrong import (Node in the core,
// DOM in the engine, Node in the renderer) fails here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { TSCONFIGS } from './tsconfigs.mjs';

let failed = 0;
for (const p of TSCONFIGS) {
  if (!existsSync(p)) continue;
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', p], { stdio: 'inherit' });
  console.log(`${r.status === 0 ? 'ok  ' : 'FAIL'} ${p}`);
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
