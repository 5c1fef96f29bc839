import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

type L = 'route' | 'direction';

/** Prometheus metrics of the bridge, by route and direction. */
export class BridgeMetrics {
  readonly messages: Counter<L>;
  readonly bytes: Counter<L>;
  readonly failures: Counter<L>;
  readonly deadLetters: Counter<L | 'reason'>;
  readonly redeliveries: Counter<L>;
  readonly duplicates: Counter<L>;
  readonly inFlight: Gauge<L>;
  readonly latency: Histogram<L>;
  readonly lag: Gauge<L>;
  readonly up: Gauge<L>;

  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['route', 'direction'] as const;
    this.messages = new Counter({
      name: 'bridge_messages_total',
      help: 'Messages bridged',
      labelNames,
      registers,
    });
    this.bytes = new Counter({
      name: 'bridge_bytes_total',
      help: 'Payload bytes bridged',
      labelNames,
      registers,
    });
    this.failures = new Counter({
      name: 'bridge_failures_total',
      help: 'Failed attempts to write to the target (retried)',
      labelNames,
      registers,
    });
    this.deadLetters = new Counter({
      name: 'bridge_dead_letters_total',
      help: 'Messages that could not be bridged, by reason',
      labelNames: ['route', 'direction', 'reason'],
      registers,
    });
    this.redeliveries = new Counter({
      name: 'bridge_redeliveries_total',
      help: 'Messages received again from the source',
      labelNames,
      registers,
    });
    this.duplicates = new Counter({
      name: 'bridge_duplicates_total',
      help: 'Messages the target already had (JetStream PubAck duplicate: a replay after a crash)',
      labelNames,
      registers,
    });
    this.inFlight = new Gauge({
      name: 'bridge_in_flight',
      help: 'Messages read and not yet acknowledged to the source',
      labelNames,
      registers,
    });
    this.latency = new Histogram({
      name: 'bridge_latency_seconds',
      help: 'Source timestamp to target acknowledgement',
      labelNames,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.lag = new Gauge({
      name: 'bridge_consumer_lag',
      help: 'Messages waiting at the source of a route',
      labelNames,
      registers,
    });
    this.up = new Gauge({
      name: 'bridge_route_up',
      help: '1 while a route can read and write, else 0',
      labelNames,
      registers,
    });
  }
}
