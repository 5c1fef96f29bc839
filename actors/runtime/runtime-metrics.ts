import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Metrics of the actor runtime and the lifecycle host. */
export class RuntimeMetrics {
  readonly transitions: Counter<'actor_type' | 'event'>;
  readonly rejected: Counter<'actor_type' | 'event'>;
  readonly duplicates: Counter<'actor_type'>;
  readonly fenced: Counter;
  readonly batchDuration: Histogram;
  readonly activeActors: Gauge;
  readonly outboxBacklog: Gauge;
  readonly timerBacklog: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.transitions = new Counter({
      name: 'huleedu_actor_transitions_total',
      help: 'Events applied to actors',
      labelNames: ['actor_type', 'event'],
      registers,
    });
    this.rejected = new Counter({
      name: 'huleedu_actor_rejected_events_total',
      help: 'Events not valid in the actor state (journaled, state unchanged)',
      labelNames: ['actor_type', 'event'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'huleedu_actor_duplicate_events_total',
      help: 'Redelivered events absorbed by deduplication',
      labelNames: ['actor_type'],
      registers,
    });
    this.fenced = new Counter({
      name: 'huleedu_actor_fenced_batches_total',
      help: 'Batches rolled back by the optimistic version check',
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'huleedu_actor_persistence_batch_duration_seconds',
      help: 'Load + transition + one-transaction write of a batch of events',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.activeActors = new Gauge({
      name: 'huleedu_actors_active',
      help: 'Actors held in memory',
      registers,
    });
    this.outboxBacklog = new Gauge({
      name: 'huleedu_outbox_backlog',
      help: 'Outbox rows not yet published',
      registers,
    });
    this.timerBacklog = new Gauge({
      name: 'huleedu_timer_backlog',
      help: 'Durable timers armed and not yet fired',
      registers,
    });
  }
}
