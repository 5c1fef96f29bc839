import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type RunningProcess, startProcess } from './processes.ts';

export interface BridgeHealth {
  status: number;
  body: { healthy: boolean; routes: Record<string, string>; servers: Record<string, string> };
}

/** The bridge as its own process (`bridge/main.ts`), so that a test can SIGKILL and restart it. */
export interface BridgeProcess {
  port: number;
  /**
   * Start (again) with the same routes, port and servers; `entry` and `env` apply to this start
   * only (e.g. tests/helpers/bridge-held-write.ts to hold a Kafka write).
   */
  start(once?: { entry?: string; env?: Record<string, string> }): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  health(): Promise<BridgeHealth>;
  /** The value of one sample of `/metrics`, 0 when absent. */
  metric(name: string, labels: Record<string, string>): Promise<number>;
  output(): string;
  cleanup(): Promise<void>;
}

export async function bridgeProcess(options: {
  routes: unknown;
  natsServers: string;
  kafkaBrokers: string;
  env?: Record<string, string>;
}): Promise<BridgeProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'huleedu-bridge-'));
  const routesFile = join(dir, 'routes.json');
  writeFileSync(routesFile, JSON.stringify(options.routes));
  const port = await freePort();
  let proc: RunningProcess | undefined;
  let earlier = '';
  const base = `http://127.0.0.1:${port}`;
  return {
    port,
    start: async (once = {}) => {
      if (proc) earlier += proc.output();
      proc = await startProcess(
        once.entry ?? 'bridge/main.ts',
        {
          BRIDGE_ROUTES: routesFile,
          BRIDGE_PORT: String(port),
          NATS_SERVERS: options.natsServers,
          KAFKA_BROKERS: options.kafkaBrokers,
          LOG_LEVEL: 'info',
          ...options.env,
          ...once.env,
        },
        /bridge ready/,
        60_000,
      );
    },
    kill: async (signal = 'SIGKILL') => (proc ? proc.stop(signal) : null),
    health: async () => {
      const res = await fetch(`${base}/healthz`);
      return { status: res.status, body: (await res.json()) as BridgeHealth['body'] };
    },
    metric: async (name, labels) => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      for (const line of text.split('\n')) {
        const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
        if (m?.[1] === name && want.every((w) => m[2]?.split(',').includes(w))) return Number(m[3]);
      }
      return 0;
    },
    output: () => earlier + (proc?.output() ?? ''),
    cleanup: async () => {
      await proc?.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
