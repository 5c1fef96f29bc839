import { Counter, Histogram, type Registry } from 'prom-client';

/** Consumer metrics shared by every bus implementation. One instance per registry. */
export class MessagingMetrics {
  readonly queueLatency: Histogram<'topic' | 'consumer_group'>;
  readonly processed: Counter<'topic' | 'consumer_group'>;
  readonly failed: Counter<'topic' | 'consumer_group'>;
  readonly deadLettered: Counter<'topic' | 'consumer_group' | 'code'>;

  private static readonly byRegistry = new WeakMap<Registry, MessagingMetrics>();

  /** The metrics of `registry`, created on first use (prom-client refuses duplicate names). */
  static for(registry: Registry): MessagingMetrics {
    let metrics = MessagingMetrics.byRegistry.get(registry);
    if (!metrics) {
      metrics = new MessagingMetrics(registry);
      MessagingMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry) {
    const registers = [registry];
    this.queueLatency = new Histogram({
      name: 'kafka_message_queue_latency_seconds',
      help: 'Seconds from the event_timestamp of a consumed event to the start of its handling',
      labelNames: ['topic', 'consumer_group'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    });
    this.processed = new Counter({
      name: 'huleedu_messages_processed_total',
      help: 'Messages handled successfully',
      labelNames: ['topic', 'consumer_group'],
      registers,
    });
    this.failed = new Counter({
      name: 'huleedu_message_handler_failures_total',
      help: 'Handler attempts that threw (retries included)',
      labelNames: ['topic', 'consumer_group'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'huleedu_messages_dead_lettered_total',
      help: 'Messages sent to a dead-letter destination, by error code',
      labelNames: ['topic', 'consumer_group', 'code'],
      registers,
    });
  }
}
