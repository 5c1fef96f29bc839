import type { Registry } from 'prom-client';
import type {
  BatchItem,
  Logger,
  MessageBus,
  MessageConsumer,
  MessagePublisher,
  OutgoingMessage,
} from '../../common-core/index.ts';
import { ActorRepository, AdvisoryLease, type Database, OutboxRepository } from '../../db/index.ts';
import { MACHINE_DEFINITIONS } from '../../machines/index.ts';
import { deadLetterFor } from '../../messaging/index.ts';
import {
  ActorRuntime,
  type Delivery,
  OutboxRelay,
  RuntimeMetrics,
  type RuntimeObserver,
  SnapshotCache,
  TimerPoller,
} from '../runtime/index.ts';
import { ACTOR_EFFECTS } from './actor-types.ts';
import { type EssayDefaults, LIFECYCLE_TOPICS, routeMessage } from './router.ts';

export interface LifecycleHostOptions {
  bus: MessageBus;
  database: Database;
  logger: Logger;
  registry: Registry;
  groupId: string;
  essayDefaults: EssayDefaults;
  maxBatchSize?: number;
  /** How long the consumer may wait for a batch to fill (memory bus; see `maxWaitMs`); default 0. */
  maxBatchWaitMs?: number;
  cacheMaxActors?: number;
  cacheIdleMs?: number;
  timerIntervalMs?: number;
  relayIdleMs?: number;
  /**
   * Sent outbox rows are kept this long (for inspection and replay), then pruned. Default 1 h;
   * 0 deletes each row as it is published.
   */
  outboxRetainSentMs?: number;
  /** How often the relay prunes sent rows (tests); default 60 s. */
  outboxPruneEveryMs?: number;
  /** Consume only these topics (tests); default: every topic the host handles. */
  topics?: readonly string[];
  /** Unhealthy once a partition has had work in hand this long without advancing; default 120 s. */
  stallAfterMs?: number;
  /** Told of every committed step: the XState inspector (`LIFECYCLE_INSPECT`); none by default. */
  observer?: RuntimeObserver;
}

/** The running lifecycle host: Kafka consumer -> actors -> one transaction -> outbox relay. */
export interface LifecycleHost extends AsyncDisposable {
  runtime: ActorRuntime;
  repository: ActorRepository;
  relay: OutboxRelay;
  timers: TimerPoller;
  healthy(): boolean;
  /** How long the consumer's longest-waiting partition has gone without advancing. */
  stalledMs(): number;
  close(): Promise<void>;
}

/** Wire the actor runtime to the bus, the outbox relay and the timer poller, and start them. */
export async function startLifecycleHost(options: LifecycleHostOptions): Promise<LifecycleHost> {
  const metrics = new RuntimeMetrics(options.registry);
  const repository = new ActorRepository(options.database.db);
  const outboxRepository = new OutboxRepository(options.database.db);
  const cache = new SnapshotCache(
    options.cacheMaxActors ?? 100_000,
    options.cacheIdleMs ?? 10 * 60_000,
  );
  const runtime = new ActorRuntime({
    repository,
    definitions: MACHINE_DEFINITIONS,
    effects: ACTOR_EFFECTS,
    cache,
    metrics,
    ...(options.observer ? { observer: options.observer } : {}),
  });
  const publisher: MessagePublisher = await options.bus.publisher();
  // Each component's defaults are its own (stated once, where the option is): the host only
  // passes on what it was given.
  const relay = new OutboxRelay(outboxRepository, publisher, options.logger, {
    idleMs: options.relayIdleMs,
    retainSentMs: options.outboxRetainSentMs,
    pruneEveryMs: options.outboxPruneEveryMs,
  });
  // One host of the consumer group fires the timers at a time.
  const timerLease = new AdvisoryLease(options.database.db, `huleedu.timers.${options.groupId}`);
  const timers = new TimerPoller(outboxRepository, runtime, options.logger, {
    intervalMs: options.timerIntervalMs,
    lease: timerLease,
  });
  /**
   * Events for actors that were never created (a result for an essay nobody registered, a
   * cancel for a batch that does not exist) go to the dead-letter topic with the reason, and are
   * logged: applied to nothing, they would otherwise leave no trace. After the commit, so a
   * failure here retries the batch, whose applied part the journal then absorbs.
   */
  const deadLetterUnknown = async (
    items: readonly BatchItem<Delivery[]>[],
    unknown: readonly Delivery[],
  ): Promise<void> => {
    const dead = new Set(unknown);
    const letters: OutgoingMessage[] = [];
    for (const item of items) {
      const missing = item.value.filter((d) => dead.has(d));
      if (missing.length === 0) continue;
      const names = missing.map((d) => `${d.actorType} ${d.actorId}`).join(', ');
      const error = {
        code: 'HULEEDU_NOT_FOUND',
        message: `no ${names}: ${missing[0]?.event.type} was for an actor that was never created`,
        retryable: false,
      };
      options.logger.warn(
        {
          topic: item.message.topic,
          partition: item.message.partition,
          offset: item.message.offset,
          code: error.code,
          reason: error.message.slice(0, 300),
        },
        'message dead-lettered',
      );
      letters.push(deadLetterFor(item.message, error, options.groupId, 1));
    }
    if (letters.length > 0) await publisher.publish(letters);
  };
  const consumer: MessageConsumer = await options.bus.consumeBatches<Delivery[]>({
    groupId: options.groupId,
    topics: options.topics ?? LIFECYCLE_TOPICS,
    ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
    ...(options.maxBatchWaitMs === undefined ? {} : { maxWaitMs: options.maxBatchWaitMs }),
    decode: (message) => routeMessage(message, options.essayDefaults),
    handleBatch: async (items) => {
      const result = await runtime.process(items.flatMap((i) => i.value));
      relay.poke();
      if (result.unknownActors.length > 0) await deadLetterUnknown(items, result.unknownActors);
    },
  });
  relay.start();
  timers.start();
  const housekeeping = setInterval(() => {
    cache.sweep();
    metrics.activeActors.set(cache.size);
    outboxRepository.backlog().then(
      (b) => {
        metrics.outboxBacklog.set(b.outbox);
        metrics.timerBacklog.set(b.timers);
      },
      () => {},
    );
  }, 5_000);
  housekeeping.unref();
  let closing: Promise<void> | undefined;
  let running = true;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      running = false;
      clearInterval(housekeeping);
      await consumer.close();
      await timers.stop();
      await timerLease.release();
      await relay.stop();
      await publisher.close();
    })();
    return closing;
  };
  return {
    runtime,
    repository,
    relay,
    timers,
    healthy: () => running && consumer.stalledMs() < (options.stallAfterMs ?? 120_000),
    stalledMs: () => consumer.stalledMs(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
