/**
 * Local infrastructure for developers and CI, without Docker:
 *   up      fetch the Apache Kafka jars from Maven Central (cached in .kafka/), start a
 *           single-node KRaft broker on 127.0.0.1:9092, check (and start if possible)
 *           Postgres and NATS JetStream, then create topics and streams.
 *   down    stop the broker started by `up` (SIGTERM, then SIGKILL after 30 s).
 *   status  say what answers.
 * Environment: KAFKA_VERSION (3.9.1), INFRA_TIMEOUT_MS (120000), KAFKA_HOME_DIR (.kafka).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { bootstrapTopics } from '../cli/topics-command.ts';
import { connectNats } from '../messaging/index.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VERSION = process.env.KAFKA_VERSION ?? '3.9.1';
const HOME = resolve(ROOT, process.env.KAFKA_HOME_DIR ?? '.kafka');
const LIBS = join(HOME, VERSION, 'libs');
const DATA = join(HOME, 'data');
const PID_FILE = join(HOME, 'kafka.pid');
const LOG_FILE = join(HOME, 'kafka.log');
const TIMEOUT_MS = Number(process.env.INFRA_TIMEOUT_MS ?? 120_000);
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_SERVERS = (process.env.NATS_SERVERS ?? '127.0.0.1:4222').split(',');

function say(msg: string): void {
  console.log(`[infra] ${msg}`);
}

class InfraError extends Error {}

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

function writeConfig(): string {
  mkdirSync(DATA, { recursive: true });
  const props = join(HOME, 'server.properties');
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      'controller.quorum.voters=1@127.0.0.1:9093',
      'listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
      'advertised.listeners=PLAINTEXT://127.0.0.1:9092',
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${DATA}`,
      'num.partitions=3',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=10',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      'log.retention.hours=24',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(HOME, 'log4j.properties'),
    [
      'log4j.rootLogger=INFO, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka=INFO',
      'log4j.logger.org.apache.kafka=WARN',
      'log4j.logger.state.change.logger=WARN',
      '',
    ].join('\n'),
  );
  return props;
}

function javaArgs(mainClass: string, args: string[]): string[] {
  return [
    '-Xms256m',
    '-Xmx768m',
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${join(HOME, 'log4j.properties')}`,
    '-cp',
    `${LIBS}/*`,
    mainClass,
    ...args,
  ];
}

function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((res) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      res(true);
    });
    socket.once('error', () => res(false));
    socket.once('timeout', () => {
      socket.destroy();
      res(false);
    });
  });
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

function logTail(): string {
  if (!existsSync(LOG_FILE)) return '(no broker log)';
  const lines = readFileSync(LOG_FILE, 'utf8').trimEnd().split('\n');
  return `last lines of ${LOG_FILE}:\n${lines.slice(-25).join('\n')}`;
}

async function kafkaUp(): Promise<void> {
  if (await portOpen(9092)) {
    say('Kafka already answers on 127.0.0.1:9092');
    return;
  }
  ensureJavaAndMaven();
  fetchJars();
  const props = writeConfig();
  if (!existsSync(join(DATA, 'meta.properties'))) {
    const clusterId = randomBytes(16).toString('base64url');
    say(`formatting KRaft storage (cluster ${clusterId})`);
    execFileSync(
      'java',
      javaArgs('kafka.tools.StorageTool', [
        'format',
        '-t',
        clusterId,
        '-c',
        props,
        '--ignore-formatted',
      ]),
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }
  const started = Date.now();
  const out = openSync(LOG_FILE, 'a');
  const child = spawn('java', javaArgs('kafka.Kafka', [props]), {
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (child.pid === undefined) throw new InfraError('could not start java');
  writeFileSync(PID_FILE, String(child.pid));
  child.unref();
  say(`Kafka ${VERSION} starting (pid ${child.pid}, log ${LOG_FILE})`);
  await waitFor(
    'Kafka on 127.0.0.1:9092',
    async () => {
      if (runningPid() === undefined)
        throw new InfraError(`Kafka exited during start-up\n${logTail()}`);
      return (
        (await portOpen(9092)) && readFileSync(LOG_FILE, 'utf8').includes('Kafka Server started')
      );
    },
    logTail,
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
