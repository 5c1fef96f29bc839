import type { NatsConnection } from '@nats-io/transport-node';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Connectivity } from '../../../bridge/connectivity.ts';
import type { Logger } from '../../../common-core/index.ts';
import { threeTicksOf, waitFor } from '../../helpers/wait-for.ts';

/** A NATS connection whose status events the test sends. */
class FakeNats {
  closed = false;
  private events: { type: string }[] = [];
  private wake: (() => void) | undefined;
  send(type: string): void {
    this.events.push({ type });
    this.wake?.();
  }
  /** Sent and not yet read by the watcher. */
  get unread(): number {
    return this.events.length;
  }
  isClosed(): boolean {
    return this.closed;
  }
  status(): AsyncIterable<{ type: string }> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          for (;;) {
            const e = this.events.shift();
            if (e) return { value: e, done: false };
            await new Promise<void>((r) => {
              this.wake = r;
            });
          }
        },
      }),
    };
  }
}

/** A Kafka admin whose metadata probe answers as the test says. */
class FakeAdmin {
  answer: 'ok' | 'fail' | 'hang' = 'ok';
  probes = 0;
  probedAt: number[] = [];
  disconnects = 0;
  async connect(): Promise<void> {}
  async describeCluster(): Promise<unknown> {
    this.probes++;
    this.probedAt.push(performance.now());
    if (this.answer === 'fail') throw new Error('broker away');
    if (this.answer === 'hang') await new Promise(() => {});
    return {};
  }
  async disconnect(): Promise<void> {
    this.disconnects++;
  }
}

describe('Connectivity (fake NATS connection and Kafka admin)', () => {
  let connectivity: Connectivity | undefined;
  afterEach(async () => {
    await connectivity?.close();
  });
  const setup = () => {
    const nc = new FakeNats();
    const admin = new FakeAdmin();
    const registry = new Registry();
    const adminOptions: unknown[] = [];
    const logged: string[] = [];
    const logger = {
      info: (o: { server: string }, m: string) => logged.push(`info ${o.server} ${m}`),
      warn: (o: { server: string }, m: string) => logged.push(`warn ${o.server} ${m}`),
      error: () => {},
      debug: () => {},
      child: () => logger,
    } as unknown as Logger;
    connectivity = new Connectivity(
      nc as unknown as NatsConnection,
      {
        admin: (options: unknown) => {
          adminOptions.push(options);
          return admin;
        },
      } as unknown as Kafka,
      registry,
      logger,
      { probeIntervalMs: 10, probeTimeoutMs: 50 },
    );
    const gauge = async (server: string) =>
      (await registry.getSingleMetric('bridge_server_up')?.get())?.values.find(
        (v) => v.labels.server === server,
      )?.value;
    return { nc, admin, logged, gauge, adminOptions, c: connectivity };
  };

  it('starts with both servers up', async () => {
    const { c, gauge, logged } = setup();
    expect(c.servers()).toEqual({ nats: 'up', kafka: 'up' });
    expect(await gauge('nats')).toBe(1);
    expect(await gauge('kafka')).toBe(1);
    expect(logged).toEqual([]);
  });

  it('follows the NATS connection: down on disconnect, up on reconnect, down for good once closed', async () => {
    const { c, nc, gauge, logged } = setup();
    nc.send('disconnect');
    await waitFor('NATS reported down', () => !c.isUp('nats'));
    expect(c.servers().nats).toBe('down');
    expect(await gauge('nats')).toBe(0);
    nc.send('ping');
    await waitFor('the watcher read the ping', () => nc.unread === 0);
    expect(c.isUp('nats'), 'up again on an event other than reconnect').toBe(false);
    nc.send('reconnect');
    await waitFor('NATS reported up again', () => c.isUp('nats'));
    expect(await gauge('nats')).toBe(1);
    expect(logged).toEqual(['warn nats server lost', 'info nats server reachable again']);
    nc.closed = true;
    expect(c.servers().nats).toBe('down');
  }, 120_000);

  it('probes Kafka: down when the probe fails or times out (with a fresh admin connection after), up when it answers', async () => {
    const { c, admin, gauge, logged } = setup();
    await waitFor('a first probe', () => admin.probes > 0);
    expect(c.isUp('kafka')).toBe(true);
    admin.answer = 'fail';
    await waitFor('Kafka reported down', () => !c.isUp('kafka'));
    expect(await gauge('kafka')).toBe(0);
    expect(admin.disconnects).toBeGreaterThan(0);
    admin.answer = 'ok';
    await waitFor('Kafka reported up again', () => c.isUp('kafka'));
    expect(c.servers().kafka).toBe('up');
    admin.answer = 'hang';
    await waitFor('a probe that never answers counts as down', () => !c.isUp('kafka'));
    expect(logged.filter((l) => l.includes('kafka'))).toEqual([
      'warn kafka server lost',
      'info kafka server reachable again',
      'warn kafka server lost',
    ]);
  }, 120_000);

  it('probes with an admin that does not retry (a lost broker shows at once), and stops probing on close', async () => {
    const { c, admin, adminOptions } = setup();
    expect(adminOptions).toEqual([{ retry: { retries: 0 } }]);
    await waitFor('a first probe', () => admin.probes > 0);
    await c.close();
    connectivity = undefined;
    expect(admin.disconnects).toBe(1);
    const probes = admin.probes;
    await threeTicksOf(10, 'the probe period');
    expect(admin.probes, 'probes after close').toBe(probes);
  });

  it('never runs two probes at once', async () => {
    const { admin } = setup();
    admin.answer = 'hang';
    await waitFor('the first probe started', () => admin.probes === 1);
    // Intervals of 10 ms pass while the first probe hangs; the next starts only once it timed
    // out (50 ms).
    await waitFor('a second probe after the first timed out', () => admin.probes >= 2, 5_000);
    const [first = 0, second = 0] = admin.probedAt;
    expect(second - first, 'ms between probes while the first hung').toBeGreaterThanOrEqual(45);
  });
});
