import { Counter, type Registry } from 'prom-client';
import {
  encodeEnvelope,
  type Logger,
  type MessageBus,
  type MessageConsumer,
  ProcessingEvent,
  type RetryPolicy,
  TextMetricsRequestedDataV1Schema,
  topicName,
} from '../../common-core/index.ts';
import { envelopeDecoder } from '../../messaging/index.ts';
import type { ContentClient } from '../content/content-client.ts';
import { mapInOrder } from '../spellchecker/map-in-order.ts';
import { measureRequest } from './measure-request.ts';

export interface MetricsWorkerDeps {
  /** Kafka in the distributed mode, the memory bus embedded: the worker only sees the port. */
  bus: MessageBus;
  content: Pick<ContentClient, 'fetchText'> & { close?: () => void };
  groupId: string;
  retry: RetryPolicy;
  logger: Logger;
  registry: Registry;
  /** Requests of one partition taken together (one publish of their results); default 64. */
  maxBatchSize?: number;
  /** Requests of a chunk in flight at once (their content fetches overlap); default 16. */
  concurrency?: number;
  /** Told of every result published (embedded progress). */
  onPublished?: (essayId: string) => void;
}

/** A running worker: its consumer and the publisher of results. */
export interface MetricsWorker extends AsyncDisposable {
  consumer: MessageConsumer;
  close(): Promise<void>;
}

/**
 * Consume text-metrics requests and publish results, a partition's requests in chunks (measured
 * concurrently, published together in the requests' order). Offsets are committed by the
 * messaging layer after the results are acknowledged; a request that cannot be decoded, or
 * whose result cannot be published past the retries, is dead-lettered with the reason.
 */
export async function startMetricsWorker(deps: MetricsWorkerDeps): Promise<MetricsWorker> {
  const publisher = await deps.bus.publisher();
  const abort = new AbortController();
  const results = new Counter({
    name: 'huleedu_metrics_results_total',
    help: 'Text-metrics results published, by outcome',
    labelNames: ['outcome'] as const,
    registers: [deps.registry],
  });
  const resultTopic = topicName(ProcessingEvent.ESSAY_NLP_RESULT_RECEIVED);
  const decode = envelopeDecoder(TextMetricsRequestedDataV1Schema);
  const consumer = await deps.bus.consumeBatches({
    groupId: deps.groupId,
    topics: [topicName(ProcessingEvent.ESSAY_NLP_REQUESTED)],
    decode,
    maxBatchSize: deps.maxBatchSize ?? 64,
    handleBatch: async (items, delivery) => {
      const measured = await mapInOrder(items, deps.concurrency ?? 16, ({ value }) =>
        measureRequest(value, {
          fetchText: (id, corr) => deps.content.fetchText(id, corr),
          retry: deps.retry,
          signal: abort.signal,
          heartbeat: () => delivery.heartbeat(),
        }),
      );
      await publisher.publish(
        measured.map((m) => ({
          topic: resultTopic,
          key: m.essayId,
          value: encodeEnvelope(m.result),
          id: m.result.event_id,
        })),
      );
      for (const m of measured) {
        results.inc({ outcome: m.ok ? 'success' : 'failed' });
        deps.onPublished?.(m.essayId);
        deps.logger.info(
          {
            essay_id: m.essayId,
            ok: m.ok,
            error: m.errorCode,
            correlation_id: m.result.correlation_id,
          },
          'text metrics published',
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
