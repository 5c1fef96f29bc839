import Fastify, { type FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import {
  type Logger,
  type MessageConsumer,
  ProcessingEvent,
  type RetryPolicy,
  SpellcheckRequestedDataV1Schema,
  topicName,
} from '../../common-core/index.ts';
import {
  envelopeDecoder,
  type KafkaBus,
  KafkaPublisher,
  MessagingMetrics,
} from '../../messaging/index.ts';
import type { ContentClient } from '../content/content-client.ts';
import type { SpellCheckFn } from './engine/spell-check.ts';
import { processMessage } from './process-message.ts';
import { spellcheckerMetrics } from './worker-metrics.ts';

export interface WorkerDeps {
  bus: KafkaBus;
  content: ContentClient;
  spellCheck: SpellCheckFn;
  groupId: string;
  retry: RetryPolicy;
  logger: Logger;
  registry: Registry;
  /** Topic overrides (benchmarks, isolated tests); default: the platform's topics. */
  topics?: { request: string; result: string };
}

/** A running worker: its Kafka consumer and the publisher of results. */
export interface Worker extends AsyncDisposable {
  consumer: MessageConsumer;
  close(): Promise<void>;
}

/**
 * Consume spellcheck requests and publish results. Offsets are committed by the messaging
 * layer only after the result (or the dead letter) is acknowledged by Kafka.
 */
export async function startWorker(deps: WorkerDeps): Promise<Worker> {
  const publisher = await KafkaPublisher.connect(deps.bus.kafka);
  const abort = new AbortController();
  const record = spellcheckerMetrics(deps.registry);
  const resultTopic =
    deps.topics?.result ?? topicName(ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED);
  const decode = envelopeDecoder(SpellcheckRequestedDataV1Schema);
  const consumer = await deps.bus.consume({
    groupId: deps.groupId,
    topics: [deps.topics?.request ?? topicName(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED)],
    decode,
    handle: async (request, _message, delivery) => {
      const outcome = await processMessage(request, {
        fetchText: (id, corr) => deps.content.fetchText(id, corr),
        storeText: (text, corr) => deps.content.storeText(text, corr),
        spellCheck: deps.spellCheck,
        publish: (result, key) =>
          publisher.publish([
            {
              topic: resultTopic,
              key,
              value: Buffer.from(JSON.stringify(result)),
              id: result.event_id,
            },
          ]),
        retry: deps.retry,
        signal: abort.signal,
        heartbeat: () => delivery.heartbeat(),
        onOutcome: record,
      });
      deps.logger.info(
        {
          essay_id: outcome.essayId,
          status: outcome.status,
          corrections: outcome.correctionsMade,
          correlation_id: request.correlation_id,
        },
        'spellcheck result published',
      );
    },
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      abort.abort();
      await consumer.close();
      await publisher.close();
      deps.content.close();
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
