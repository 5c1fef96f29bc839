import type { NatsConnection } from '@nats-io/transport-node';
import type { Admin, Kafka } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../common-core/index.ts';

export type ServerName = 'nats' | 'kafka';

/**
 * Whether the bridge can reach each side. NATS: the connection's own disconnect/reconnect
 * events. Kafka: a metadata request every `probeIntervalMs` (no client retries, bounded by a
 * timeout), because a kafkajs consumer retries a lost broker silently and would look healthy.
 */
export class Connectivity {
  private readonly up: Record<ServerName, boolean> = { nats: true, kafka: true };
  private readonly gauge: Gauge<'server'>;
  private readonly timer: NodeJS.Timeout;
  private readonly admin: Admin;
  private probing = false;

  constructor(
    private readonly nc: NatsConnection,
    kafka: Kafka,
    registry: Registry,
    private readonly logger: Logger,
    private readonly options = { probeIntervalMs: 1_000, probeTimeoutMs: 3_000 },
  ) {
    this.gauge = new Gauge({
      name: 'bridge_server_up',
      help: '1 while the bridge reaches the server, else 0',
      labelNames: ['server'],
      registers: [registry],
    });
    this.set('nats', true);
    this.set('kafka', true);
    this.admin = kafka.admin({ retry: { retries: 0 } });
    void this.watchNats();
    this.timer = setInterval(() => void this.probeKafka(), options.probeIntervalMs);
    this.timer.unref();
  }

  isUp(server: ServerName): boolean {
    return server === 'nats' ? this.up.nats && !this.nc.isClosed() : this.up.kafka;
  }

  servers(): Record<ServerName, 'up' | 'down'> {
    return {
      nats: this.isUp('nats') ? 'up' : 'down',
      kafka: this.isUp('kafka') ? 'up' : 'down',
    };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.admin.disconnect().catch(() => {});
  }

  private set(server: ServerName, up: boolean): void {
    if (this.up[server] !== up)
      this.logger[up ? 'info' : 'warn']({ server }, up ? 'server reachable again' : 'server lost');
    this.up[server] = up;
    this.gauge.set({ server }, up ? 1 : 0);
  }

  private async watchNats(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect') this.set('nats', false);
      else if (s.type === 'reconnect') this.set('nats', true);
    }
  }

  private async probeKafka(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.admin.connect().then(() => this.admin.describeCluster()),
        new Promise((_, reject) => {
          timeout = setTimeout(
            () => reject(new Error('metadata probe timed out')),
            this.options.probeTimeoutMs,
          );
        }),
      ]);
      this.set('kafka', true);
    } catch {
      this.set('kafka', false);
      // Start the next probe from a fresh connection.
      await this.admin.disconnect().catch(() => {});
    } finally {
      clearTimeout(timeout);
      this.probing = false;
    }
  }
}
