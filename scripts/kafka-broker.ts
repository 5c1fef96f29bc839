/**
 * One single-node KRaft broker from the Apache Kafka jars, without Docker. Used by
 * `scripts/infra.ts` (the shared broker on 127.0.0.1:9092) and by tests that need a broker of
 * their own to stop and start (outage tests).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

export interface BrokerLayout {
  /** Directory of the Kafka jars (`<home>/<version>/libs`). */
  libs: string;
  /** Directory for server.properties, log4j.properties, the log and the pid file. */
  dir: string;
  /** Log directory of the broker. */
  dataDir: string;
  port: number;
  controllerPort: number;
}

export function brokerLogFile(layout: BrokerLayout): string {
  return join(layout.dir, 'kafka.log');
}

/** Write server.properties and log4j.properties; returns the path of server.properties. */
export function writeBrokerConfig(layout: BrokerLayout): string {
  mkdirSync(layout.dataDir, { recursive: true });
  const props = join(layout.dir, 'server.properties');
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${layout.controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${layout.port},CONTROLLER://127.0.0.1:${layout.controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${layout.port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${layout.dataDir}`,
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
    join(layout.dir, 'log4j.properties'),
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

function javaArgs(layout: BrokerLayout, mainClass: string, args: string[]): string[] {
  return [
    '-Xms256m',
    '-Xmx768m',
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${join(layout.dir, 'log4j.properties')}`,
    '-cp',
    `${layout.libs}/*`,
    mainClass,
    ...args,
  ];
}

/**
 * A random KRaft cluster id (16 bytes, base64url) that does not start with '-': the storage
 * tool's argument parser reads such a value as an option, and the format fails (1 run in 64).
 */
export function kafkaClusterId(random: (n: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Format the KRaft storage once (a no-op when it already is); returns the cluster id used. */
export function formatBrokerStorage(layout: BrokerLayout, props: string): string | undefined {
  if (existsSync(join(layout.dataDir, 'meta.properties'))) return undefined;
  const clusterId = kafkaClusterId();
  execFileSync(
    'java',
    javaArgs(layout, 'kafka.tools.StorageTool', [
      'format',
      '-t',
      clusterId,
      '-c',
      props,
      '--ignore-formatted',
    ]),
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return clusterId;
}

/** Start the broker JVM with its output appended to the broker log. */
export function spawnBroker(
  layout: BrokerLayout,
  props: string,
  options: { detached: boolean },
): ChildProcess {
  const out = openSync(brokerLogFile(layout), 'a');
  const child = spawn('java', javaArgs(layout, 'kafka.Kafka', [props]), {
    detached: options.detached,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  return child;
}

/** Whether something accepts TCP connections on host:port (1 s timeout). */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
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

/** How many times the broker has logged that it started (a restart adds one). */
export function brokerStarts(layout: BrokerLayout): number {
  const log = brokerLogFile(layout);
  if (!existsSync(log)) return 0;
  return readFileSync(log, 'utf8').split('Kafka Server started').length - 1;
}

/** The last lines of the broker log, for error messages. */
export function brokerLogTail(layout: BrokerLayout, lines = 25): string {
  const log = brokerLogFile(layout);
  if (!existsSync(log)) return '(no broker log)';
  return `last lines of ${log}:\n${readFileSync(log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')}`;
}
