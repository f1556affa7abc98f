// Preloaded into a benchmarked CLI process (`node --import <this> dist/cli.js run …`): when the
// process exits it writes its own CPU time to $SLUICE_BENCH_CPU_OUT. process.cpuUsage() is
// getrusage(RUSAGE_SELF), so it covers every thread of the process: main, workers, libuv's pool
// and V8's GC helpers. That is what Nexmark calls the cores a query used.
import { writeFileSync } from 'node:fs';

const out = process.env.SLUICE_BENCH_CPU_OUT;
if (out) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(out, JSON.stringify({ userUs: user, systemUs: system, uptimeMs: process.uptime() * 1000 }));
  });
}
