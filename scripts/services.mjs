// The servers the connector tests talk to, on loopback (README "Two commands"): each one that is
// not answering on its port is started with the command this kind of machine uses, when we are
// root and its program is installed, and waited for. `npm test` runs this before the suites;
// `node scripts/services.mjs` runs it alone. It never fails the run: a server it cannot start is
// named in one line, and the tests that need it fail naming it too.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';

export const SERVICES = [
  {
    name: 'PostgreSQL',
    port: 5432,
    program: '/usr/bin/pg_ctlcluster',
    start: () => {
      const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
      return versions.length > 0
        ? ['pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'start']]
        : null;
    },
  },
  {
    name: 'Redis',
    port: 6379,
    program: '/usr/bin/redis-server',
    start: () => [
      'redis-server',
      [
        ...['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no'],
        ...(existsSync('/var/lib/redis') ? ['--dir', '/var/lib/redis'] : []),
      ],
    ],
  },
  {
    name: 'RabbitMQ',
    port: 5672,
    program: '/usr/sbin/rabbitmq-server',
    start: () => ['rabbitmq-server', ['-detached']],
  },
  {
    name: 'Mosquitto',
    port: 1883,
    program: '/usr/sbin/mosquitto',
    start: () => ['mosquitto', ['-d', '-c', '/etc/mosquitto/mosquitto.conf']],
  },
  {
    name: 'NATS (JetStream)',
    port: 4222,
    program: '/usr/sbin/nats-server',
    start: () => [
      'start-stop-daemon',
      [
        '--start',
        '--oknodo',
        '--background',
        '--exec',
        '/usr/sbin/nats-server',
        '--',
        '-a',
        '127.0.0.1',
        '-p',
        '4222',
        '-js',
        '-sd',
        '/var/lib/nats-server',
        '-l',
        '/var/log/nats-server.log',
      ],
    ],
  },
];

/** Whether something accepts a TCP connection on 127.0.0.1:port within `ms`. */
export function listening(port, ms = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await listening(port)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/** Start every server that is down; returns one line per server that was down. */
export async function ensureServices(log = console.log) {
  const lines = [];
  for (const s of SERVICES) {
    if (await listening(s.port)) continue;
    const cmd = s.start();
    if (process.getuid?.() !== 0 || !existsSync(s.program) || cmd === null) {
      lines.push(`${s.name} is not running on port ${s.port} and cannot be started here: its tests will fail`);
      log(lines.at(-1));
      continue;
    }
    log(`${s.name} is not running on port ${s.port}: starting it (${cmd[0]})`);
    spawnSync(cmd[0], cmd[1], { stdio: 'ignore', timeout: 60_000 });
    const up = await waitFor(s.port, 60_000);
    lines.push(
      up ? `${s.name} started on port ${s.port}` : `${s.name} did not start on port ${s.port}: its tests will fail`,
    );
    log(lines.at(-1));
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lines = await ensureServices();
  if (lines.length === 0) console.log('PostgreSQL, Redis, RabbitMQ, Mosquitto and NATS are running on loopback');
}
