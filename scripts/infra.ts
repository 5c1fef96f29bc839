/**
 * Local infrastructure for developers and CI, without Docker:
 *   up      fetch the Apache Kafka jars from Maven Central (cached in .kafka/), start a
 *           single-node KRaft broker on 127.0.0.1:9092, check (and start if possible)
 *           Postgres and NATS JetStream, then create topics and streams.
 *   down    stop the broker started by `up` (SIGTERM, then SIGKILL after 30 s).
 *   status  say what answers.
 * Environment: KAFKA_VERSION (3.9.1), INFRA_TIMEOUT_MS (120000), KAFKA_HOME_DIR (.kafka).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { bootstrapTopics } from '../cli/topics-command.ts';
import { DependencyUnavailableError } from '../common-core/index.ts';
import { connectNats } from '../messaging/index.ts';
import {
  type BrokerLayout,
  brokerLogFile,
  brokerLogTail,
  brokerStarts,
  formatBrokerStorage,
  portOpen,
  spawnBroker,
  writeBrokerConfig,
} from './kafka-broker.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VERSION = process.env.KAFKA_VERSION ?? '3.9.1';
const HOME = resolve(ROOT, process.env.KAFKA_HOME_DIR ?? '.kafka');
const LIBS = join(HOME, VERSION, 'libs');
const DATA = join(HOME, 'data');
const PID_FILE = join(HOME, 'kafka.pid');
const LAYOUT: BrokerLayout = {
  libs: LIBS,
  dir: HOME,
  dataDir: DATA,
  port: 9092,
  controllerPort: 9093,
};
const TIMEOUT_MS = Number(process.env.INFRA_TIMEOUT_MS ?? 120_000);
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_SERVERS = (process.env.NATS_SERVERS ?? '127.0.0.1:4222').split(',');

function say(msg: string): void {
  console.log(`[infra] ${msg}`);
}

/** Infrastructure that cannot be brought up here (a missing tool, a broker that dies). */
class InfraError extends DependencyUnavailableError {}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function aptInstall(packages: string[]): void {
  if (process.getuid?.() !== 0)
    throw new InfraError(`missing ${packages.join(', ')}; install them (not root, cannot apt-get)`);
  say(`installing ${packages.join(' ')} with apt-get`);
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function ensureJavaAndMaven(): void {
  const missing: string[] = [];
  if (!have('java')) missing.push('openjdk-17-jre-headless');
  if (!have('mvn')) missing.push('maven');
  if (missing.length) aptInstall(missing);
}

function fetchJars(): void {
  if (existsSync(join(LIBS, `kafka_2.13-${VERSION}.jar`))) {
    say(`Kafka ${VERSION} jars cached in ${LIBS}`);
    return;
  }
  const started = Date.now();
  say(`fetching Apache Kafka ${VERSION} jars from Maven Central`);
  mkdirSync(LIBS, { recursive: true });
  execFileSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      join(ROOT, 'scripts/kafka/pom.xml'),
      `-Dkafka.version=${VERSION}`,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${LIBS}`,
    ],
    { stdio: 'inherit' },
  );
  say(
    `fetched ${readdirSync(LIBS).length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

function runningPid(): number | undefined {
  if (!existsSync(PID_FILE)) return undefined;
  const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  onFail?: () => string,
): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new InfraError(
    `${what} did not become ready within ${TIMEOUT_MS} ms${onFail ? `\n${onFail()}` : ''}`,
  );
}

async function kafkaUp(): Promise<void> {
  // The jars are needed even when a broker already answers: outage tests start their own.
  ensureJavaAndMaven();
  fetchJars();
  if (await portOpen(9092)) {
    say('Kafka already answers on 127.0.0.1:9092');
    return;
  }
  const props = writeBrokerConfig(LAYOUT);
  const clusterId = formatBrokerStorage(LAYOUT, props);
  if (clusterId) say(`formatted KRaft storage (cluster ${clusterId})`);
  const startsBefore = brokerStarts(LAYOUT);
  const started = Date.now();
  const child = spawnBroker(LAYOUT, props, { detached: true });
  if (child.pid === undefined) throw new InfraError('could not start java');
  writeFileSync(PID_FILE, String(child.pid));
  child.unref();
  say(`Kafka ${VERSION} starting (pid ${child.pid}, log ${brokerLogFile(LAYOUT)})`);
  await waitFor(
    'Kafka on 127.0.0.1:9092',
    async () => {
      if (runningPid() === undefined)
        throw new InfraError(`Kafka exited during start-up\n${brokerLogTail(LAYOUT)}`);
      return (await portOpen(9092)) && brokerStarts(LAYOUT) > startsBefore;
    },
    () => brokerLogTail(LAYOUT),
  );
  say(`Kafka ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function postgresUp(): Promise<void> {
  if (await postgresAnswers()) {
    say('Postgres answers on 127.0.0.1:5432');
    return;
  }
  if (existsSync('/etc/postgresql')) {
    for (const version of readdirSync('/etc/postgresql')) {
      say(`starting Postgres ${version}`);
      spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
        stdio: 'inherit',
      });
    }
  }
  await waitFor(`Postgres at ${PG_URL.replace(/\/\/[^@]*@/, '//***@')}`, postgresAnswers);
  say('Postgres ready');
}

async function natsAnswers(): Promise<boolean> {
  try {
    const nc = await connectNats(NATS_SERVERS, 'huleedu-infra');
    try {
      await (await jetstreamManager(nc)).getAccountInfo();
      return true;
    } finally {
      await nc.close();
    }
  } catch {
    return false;
  }
}

async function natsUp(): Promise<void> {
  if (await natsAnswers()) {
    say('NATS JetStream answers on 127.0.0.1:4222');
    return;
  }
  if (existsSync('/usr/sbin/nats-server')) {
    say('starting nats-server with JetStream');
    mkdirSync('/var/lib/nats-server', { recursive: true });
    spawnSync(
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
      { stdio: 'inherit' },
    );
  }
  await waitFor('NATS JetStream at 127.0.0.1:4222', natsAnswers);
  say('NATS ready');
}

async function kafkaDown(): Promise<void> {
  const pid = runningPid();
  if (pid === undefined) {
    say('no Kafka broker started by this script is running');
    return;
  }
  say(`stopping Kafka (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && runningPid() !== undefined)
    await new Promise((r) => setTimeout(r, 250));
  if (runningPid() !== undefined) {
    say('Kafka did not stop in 30 s; SIGKILL');
    process.kill(pid, 'SIGKILL');
  }
  say('Kafka stopped');
}

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'status';
  if (command === 'up') {
    const started = Date.now();
    // Sequential: the Kafka fetch blocks the event loop, which would time out the other checks.
    await postgresUp();
    await natsUp();
    await kafkaUp();
    await bootstrapTopics({ env: process.env, log: say });
    say(`infrastructure ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else if (command === 'down') {
    await kafkaDown();
  } else if (command === 'status') {
    say(`Kafka 127.0.0.1:9092: ${(await portOpen(9092)) ? 'up' : 'down'}`);
    say(`Postgres: ${(await postgresAnswers()) ? 'up' : 'down'}`);
    say(`NATS JetStream: ${(await natsAnswers()) ? 'up' : 'down'}`);
  } else {
    throw new InfraError(`unknown command '${command}' (use up, down or status)`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[infra] FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
