/**
 * The `sluice` command line (SPEC §8). Errors are one clear line on stderr; stack traces only
 * with --verbose.
 */
import { asyncapiCommand } from './asyncapiCommand.js';
import { checkpointsCommand } from './commands/checkpoints.js';
import { deadLettersCommand } from './commands/deadLetters.js';
import { intFlag, parseArgs } from './parseArgs.js';
import { runCommand } from './runCommand.js';
import { schemaCheckCommand } from './schemaCheckCommand.js';
import { validateCommand } from './validateCommand.js';

const USAGE = `usage:
  sluice validate <graph>
  sluice run <graph> [--state <db>] [--metrics <file.jsonl>] [--duration <ms>] [--fresh] [--prometheus <port>]
  sluice run <graph> --group <name> [--url <nats>] [--duration <ms>]
  sluice checkpoints <db>
  sluice dead-letters <db> [--jsonl <file>]
  sluice serve [--port <n>] [--open] [--token <t>]
  sluice schema check <graph|folder>
  sluice asyncapi <graph> [--out <file>]
  sluice group <name> [--url <nats>] [--json]
options: --verbose (stack traces), --help`;

const FLAGS = {
  state: 'value',
  metrics: 'value',
  duration: 'value',
  fresh: 'switch',
  prometheus: 'value',
  port: 'value',
  open: 'switch',
  token: 'value',
  jsonl: 'value',
  out: 'value',
  verbose: 'switch',
  help: 'switch',
  url: 'value',
  json: 'switch',
  group: 'value',
} as const;

async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const out = (line: string): void => void process.stdout.write(line + '\n');
  const err = (line: string): void => void process.stderr.write(line + '\n');
  try {
    const a = parseArgs(argv, FLAGS);
    if (!a.command || a.flags['help'] || a.command === 'help') {
      (a.command ? out : err)(USAGE);
      return a.command ? 0 : 2;
    }
    const need = (what: string): string => {
      const p = a.positionals[0];
      if (!p) throw new UsageError(`sluice ${a.command} needs ${what}`);
      return p;
    };
    switch (a.command) {
      case 'validate':
        return validateCommand(need('a graph file'), out, err);
      case 'run': {
        const tty = process.stderr.isTTY === true;
        const duration = intFlag(a.flags, 'duration');
        if (typeof a.flags['group'] === 'string') {
          for (const f of ['fresh', 'metrics', 'prometheus'])
            if (a.flags[f] !== undefined) throw new UsageError(`--${f} does not work with --group yet`);
          const { groupRunCommand } = await import('./groupRunCommand.js');
          const { defaultNatsUrl } = await import('../scaleout/connectNats.js');
          return await groupRunCommand(
            {
              graphPath: need('a graph file'),
              group: a.flags['group'],
              url: typeof a.flags['url'] === 'string' ? a.flags['url'] : defaultNatsUrl(),
              ...(typeof a.flags['state'] === 'string' ? { statePath: a.flags['state'] } : {}),
              ...(duration !== undefined ? { durationMs: duration } : {}),
              signals: process,
            },
            { out, err, progress: () => undefined },
          );
        }
        const prometheus = intFlag(a.flags, 'prometheus');
        return await runCommand(
          {
            graphPath: need('a graph file'),
            ...(typeof a.flags['state'] === 'string' ? { statePath: a.flags['state'] } : {}),
            ...(typeof a.flags['metrics'] === 'string' ? { metricsPath: a.flags['metrics'] } : {}),
            ...(duration !== undefined ? { durationMs: duration } : {}),
            fresh: a.flags['fresh'] === true,
            ...(prometheus !== undefined ? { prometheusPort: prometheus } : {}),
            signals: process,
            progress: tty,
          },
          { out, err, progress: (line) => void process.stderr.write(`\r\x1b[2K${line}`) },
        );
      }
      case 'checkpoints':
        return checkpointsCommand(need('a state database'), out, err);
      case 'dead-letters':
        return deadLettersCommand(
          need('a state database'),
          typeof a.flags['jsonl'] === 'string' ? { jsonl: a.flags['jsonl'] } : {},
          out,
          err,
        );
      case 'serve': {
        const { serveCommand } = await import('../host/serveCommand.js');
        const port = intFlag(a.flags, 'port');
        return await serveCommand(
          {
            ...(port !== undefined ? { port } : {}),
            open: a.flags['open'] === true,
            ...(typeof a.flags['token'] === 'string' ? { token: a.flags['token'] } : {}),
          },
          { info: out, error: err },
        );
      }
      case 'schema':
        if (a.positionals[0] !== 'check') throw new UsageError('sluice schema needs a subcommand: check');
        if (!a.positionals[1]) throw new UsageError('sluice schema check needs a graph file or a schemas folder');
        return schemaCheckCommand(a.positionals[1], out, err);
      case 'asyncapi':
        return asyncapiCommand(
          need('a graph file'),
          typeof a.flags['out'] === 'string' ? { outPath: a.flags['out'] } : {},
          out,
          err,
        );
      case 'group': {
        const { groupCommand } = await import('./commands/group.js');
        const { defaultNatsUrl } = await import('../scaleout/connectNats.js');
        return await groupCommand(
          need('a group name'),
          {
            url: typeof a.flags['url'] === 'string' ? a.flags['url'] : defaultNatsUrl(),
            json: a.flags['json'] === true,
          },
          out,
        );
      }
      default:
        throw new UsageError(`unknown command "${a.command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.message);
      err(USAGE);
      return 2;
    }
    if (
      e instanceof Error &&
      (e.name === 'UserError' || e.name === 'CorruptStateError' || e.name === 'CheckpointWriteError')
    ) {
      err(verbose ? (e.stack ?? e.message) : e.message);
      return e.name === 'UserError' ? 1 : 2;
    }
    err(
      `internal error: ${e instanceof Error ? e.message : String(e)}${verbose ? `\n${(e as Error).stack}` : ' (run with --verbose for details)'}`,
    );
    return 1;
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Workers and sockets are closed by now; exit promptly even if a timer lingers.
    setTimeout(() => process.exit(code), 100).unref();
  },
  (e: unknown) => {
    process.stderr.write(`internal error: ${String(e)}\n`);
    process.exit(1);
  },
);
