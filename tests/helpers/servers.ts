import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BrokerLayout,
  brokerLogFile,
  brokerLogTail,
  brokerStarts,
  formatBrokerStorage,
  portOpen,
  spawnBroker,
  writeBrokerConfig,
} from '../../scripts/kafka-broker.ts';
import { freePort } from './processes.ts';
import { waitFor } from './wait-for.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * A server of a test's own (never the shared one), so that a test can take it away and bring
 * it back: `stop()` kills it, `start()` starts it again on the same port with the same data.
 */
export interface ScratchServer {
  /** host:port to give clients. */
  address: string;
  start(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stop and delete its data. */
  cleanup(): Promise<void>;
  /**
   * Exits that `stop()` did not ask for (a crash, or a kill from outside), each described with
   * its exit code or signal; empty while the server is healthy.
   */
  unexpectedExits: string[];
  /** The last lines of the server's log, where it keeps one. */
  logTail(): string;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function kill(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  await exited(child);
}

/**
 * Tells a server's exits that its test asked for from those it did not (a crash, or a kill
 * from outside), which a server's own log often says nothing about.
 */
class ExitWatch {
  readonly unexpected: string[] = [];
  private readonly stopping = new WeakSet<ChildProcess>();

  constructor(
    private readonly name: string,
    private readonly record: (line: string) => void = () => {},
  ) {}

  watch(child: ChildProcess): void {
    child.once('exit', (code, signal) => {
      const expected = this.stopping.has(child);
      const how = `${this.name} (pid ${child.pid}) exited: code ${code}, signal ${signal}`;
      const at = new Date().toISOString();
      this.record(
        `[${at}] [harness] ${how}${expected ? ' (stopped by the test)' : ' (UNEXPECTED)'}\n`,
      );
      if (!expected) this.unexpected.push(`${at} ${how}`);
    });
  }

  stop(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
    if (child) this.stopping.add(child);
    return kill(child, signal);
  }
}

/** A nats-server with JetStream on a free port, its store in a temporary directory. */
export async function startScratchNats(): Promise<ScratchServer> {
  const bin = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim();
  if (!bin) throw new Error('nats-server is not installed (it comes with the NATS the tests use)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'huleedu-nats-'));
  let child: ChildProcess | undefined;
  const exits = new ExitWatch('nats-server');
  const start = async (): Promise<void> => {
    child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
      stdio: 'ignore',
    });
    exits.watch(child);
    await waitFor(`nats-server on ${port}`, () => portOpen(port), 15_000, 100);
  };
  const stop = (signal: NodeJS.Signals = 'SIGKILL') => exits.stop(child, signal);
  await start();
  return {
    address: `127.0.0.1:${port}`,
    start,
    stop,
    unexpectedExits: exits.unexpected,
    logTail: () => '(nats-server runs without a log)',
    cleanup: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A single-node KRaft broker on free ports from the jars `npm run infra:up` fetched, its log
 * directory in a temporary directory. Takes a few seconds to start.
 */
export async function startScratchKafka(): Promise<ScratchServer> {
  const libs = join(ROOT, '.kafka', process.env.KAFKA_VERSION ?? '3.9.1', 'libs');
  if (!existsSync(libs))
    throw new Error(`no Kafka jars in ${libs}: run \`npm run infra:up\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'huleedu-kafka-'));
  const layout: BrokerLayout = {
    libs,
    dir,
    dataDir: join(dir, 'data'),
    port: await freePort(),
    controllerPort: await freePort(),
  };
  const props = writeBrokerConfig(layout);
  formatBrokerStorage(layout, props);
  let child: ChildProcess | undefined;
  const exits = new ExitWatch('Kafka broker JVM', (line) =>
    appendFileSync(brokerLogFile(layout), line),
  );
  const start = async (): Promise<void> => {
    const before = brokerStarts(layout);
    child = spawnBroker(layout, props, { detached: false });
    const running = child;
    exits.watch(running);
    await waitFor(
      `scratch Kafka on ${layout.port}`,
      async () => {
        if (running.exitCode !== null)
          throw new Error(`scratch Kafka exited\n${brokerLogTail(layout)}`);
        return brokerStarts(layout) > before && (await portOpen(layout.port));
      },
      60_000,
      200,
    );
  };
  const stop = (signal: NodeJS.Signals = 'SIGKILL') => exits.stop(child, signal);
  await start();
  return {
    address: `127.0.0.1:${layout.port}`,
    start,
    stop,
    unexpectedExits: exits.unexpected,
    logTail: () => brokerLogTail(layout, 40),
    cleanup: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
