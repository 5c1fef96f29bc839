import Fastify, { type FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import {
  encodeEnvelope,
  type Logger,
  type MessageBus,
  type MessageConsumer,
  ProcessingEvent,
  type RetryPolicy,
  SpellcheckRequestedDataV1Schema,
  topicName,
} from '../../common-core/index.ts';
import { envelopeDecoder, MessagingMetrics } from '../../messaging/index.ts';
import type { ContentClient } from '../content/content-client.ts';
import type { SpellCheckFn } from './engine/spell-check.ts';
import { mapInOrder } from './map-in-order.ts';
import { checkRequest } from './process-message.ts';
import { spellcheckerMetrics } from './worker-metrics.ts';

export interface WorkerDeps {
  /** Kafka in the distributed mode, the memory bus embedded: the worker only sees the port. */
  bus: MessageBus;
  content: Pick<ContentClient, 'fetchText' | 'storeText'> & { close?: () => void };
  spellCheck: SpellCheckFn;
  groupId: string;
  retry: RetryPolicy;
  logger: Logger;
  registry: Registry;
  /** Topic overrides (benchmarks, isolated tests); default: the platform's topics. */
  topics?: { request: string; result: string };
  /** Requests of one partition taken together (one publish of their results); default 64. */
  maxBatchSize?: number;
  /** Requests of a chunk in flight at once (content fetches and stores overlap); default 16. */
  concurrency?: number;
  /** Told of every result published (embedded progress). */
  onPublished?: (essayId: string) => void;
}

/** A running worker: its consumer and the publisher of results. */
export interface Worker extends AsyncDisposable {
  consumer: MessageConsumer;
  close(): Promise<void>;
}

/**
 * Consume spellcheck requests and publish results. A partition's requests are taken in chunks:
 * checked concurrently (the content service's round trips overlap, the engine runs between
 * them), then their results published together, in the requests' order. Offsets are committed
 * by the messaging layer only after the results (or dead letters) are acknowledged; a chunk that
 * cannot be published is retried and then taken apart, so only a request that fails alone is
 * dead-lettered. Checking again after a failed publish is harmless: a result's event id derives
 * from its request's and the content store is keyed by content.
 */
export async function startWorker(deps: WorkerDeps): Promise<Worker> {
  const publisher = await deps.bus.publisher();
  const abort = new AbortController();
  const record = spellcheckerMetrics(deps.registry);
  const resultTopic =
    deps.topics?.result ?? topicName(ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED);
  const decode = envelopeDecoder(SpellcheckRequestedDataV1Schema);
  const concurrency = deps.concurrency ?? 16;
  const consumer = await deps.bus.consumeBatches({
    groupId: deps.groupId,
    topics: [deps.topics?.request ?? topicName(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED)],
    decode,
    maxBatchSize: deps.maxBatchSize ?? 64,
    handleBatch: async (items, delivery) => {
      const checked = await mapInOrder(items, concurrency, ({ value: request }) =>
        checkRequest(request, {
          fetchText: (id, corr) => deps.content.fetchText(id, corr),
          storeText: (text, corr) => deps.content.storeText(text, corr),
          spellCheck: deps.spellCheck,
          retry: deps.retry,
          signal: abort.signal,
          heartbeat: () => delivery.heartbeat(),
        }),
      );
      await publisher.publish(
        checked.map(({ result, outcome }) => ({
          topic: resultTopic,
          key: outcome.essayId,
          value: encodeEnvelope(result),
          id: result.event_id,
        })),
      );
      for (const [i, { outcome }] of checked.entries()) {
        record(outcome);
        deps.onPublished?.(outcome.essayId);
        deps.logger.info(
          {
            essay_id: outcome.essayId,
            status: outcome.status,
            corrections: outcome.correctionsMade,
            correlation_id: items[i]?.value.correlation_id,
          },
          'spellcheck result published',
        );
      }
    },
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      abort.abort();
      await consumer.close();
      await publisher.close();
      deps.content.close?.();
    })();
    return closing;
  };
  return { consumer, close, [Symbol.asyncDispose]: close };
}

/** The worker's metrics server: GET /metrics and GET /healthz. */
export async function buildMetricsApp(
  registry: Registry,
  isHealthy: () => boolean,
  stalledMs: () => number = () => 0,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', registry.contentType).send(await registry.metrics()),
  );
  app.get('/healthz', async (_req, reply) => {
    const ok = isHealthy();
    return reply
      .status(ok ? 200 : 503)
      .send({ status: ok ? 'ok' : 'unavailable', consumer_stalled_ms: stalledMs() });
  });
  return app;
}

/** A registry with default process metrics and the messaging metrics registered. */
export function workerRegistry(): { registry: Registry; messaging: MessagingMetrics } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return { registry, messaging: MessagingMetrics.for(registry) };
}
