import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BrokerLayout,
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

/** A nats-server with JetStream on a free port, its store in a temporary directory. */
export async function startScratchNats(): Promise<ScratchServer> {
  const bin = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim();
  if (!bin) throw new Error('nats-server is not installed (it comes with the NATS the tests use)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'huleedu-nats-'));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
      stdio: 'ignore',
    });
    await waitFor(`nats-server on ${port}`, () => portOpen(port), 15_000, 100);
  };
  const stop = (signal: NodeJS.Signals = 'SIGKILL') => kill(child, signal);
  await start();
  return {
    address: `127.0.0.1:${port}`,
    start,
    stop,
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
  const start = async (): Promise<void> => {
    const before = brokerStarts(layout);
    child = spawnBroker(layout, props, { detached: false });
    const running = child;
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
  const stop = (signal: NodeJS.Signals = 'SIGKILL') => kill(child, signal);
  await start();
  return {
    address: `127.0.0.1:${layout.port}`,
    start,
    stop,
    cleanup: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
