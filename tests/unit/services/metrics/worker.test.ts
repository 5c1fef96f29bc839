import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  decodeEnvelope,
  EssayStatus,
  type EventEnvelope,
  encodeEnvelope,
  HuleEduError,
  makeEnvelope,
  ProcessingEvent,
  ProcessingStage,
  type TextMetricsRequestedDataV1,
  TextMetricsResultDataV1Schema,
  topicName,
} from '../../../../common-core/index.ts';
import { DeliveryInterruptedError, MemoryBus, silentLogger } from '../../../../messaging/index.ts';
import { measureRequest } from '../../../../services/metrics/measure-request.ts';
import { startMetricsWorker } from '../../../../services/metrics/worker.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

const REQUESTS = topicName(ProcessingEvent.ESSAY_NLP_REQUESTED);
const RESULTS = topicName(ProcessingEvent.ESSAY_NLP_RESULT_RECEIVED);
const NO_RETRY = { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1 };

function metricsRequest(
  essayId: string,
  textId: string,
  correctionsMade: number | null = null,
): EventEnvelope<TextMetricsRequestedDataV1> {
  const now = '2026-12-02T10:00:00.000Z';
  const entity = { entity_id: essayId, entity_type: 'essay', parent_id: 'b1' };
  return makeEnvelope({
    event: ProcessingEvent.ESSAY_NLP_REQUESTED,
    sourceService: 'test',
    correlationId: 'c0ffee00-0000-4000-8000-000000000002',
    data: {
      event_name: ProcessingEvent.ESSAY_NLP_REQUESTED,
      entity_ref: entity,
      timestamp: now,
      status: EssayStatus.AWAITING_NLP,
      system_metadata: {
        entity,
        timestamp: now,
        processing_stage: ProcessingStage.PENDING,
        event: ProcessingEvent.ESSAY_NLP_REQUESTED,
        started_at: null,
        completed_at: null,
        error_info: {},
      },
      text_storage_id: textId,
      language: 'en',
      corrections_made: correctionsMade,
    },
  });
}

describe('measureRequest', () => {
  it("measures the essay's text: an nlp_success result with the metrics, its id derived from the request's", async () => {
    const request = metricsRequest('e1', 't1', 1);
    const deps = {
      fetchText: async () => 'The cat sat on the mat. It was happy.',
      retry: NO_RETRY,
    };
    const measured = await measureRequest(request, deps);
    expect(measured.ok).toBe(true);
    expect(measured.result.data).toMatchObject({
      status: EssayStatus.NLP_SUCCESS,
      text_storage_id: 't1',
      metrics: { words: 9, sentences: 2, spelling_error_rate: 11.11 },
    });
    expect(measured.result.correlation_id).toBe(request.correlation_id);
    expect((await measureRequest(request, deps)).result.event_id).toBe(measured.result.event_id);
  });

  it('a text that cannot be had is an nlp_failed result saying why (never a silent wait)', async () => {
    const measured = await measureRequest(metricsRequest('e1', 't1'), {
      fetchText: async () => {
        throw new HuleEduError('HULEEDU_NOT_FOUND', 'text t1 not found');
      },
      retry: NO_RETRY,
    });
    expect(measured).toMatchObject({ ok: false, errorCode: 'HULEEDU_NOT_FOUND' });
    expect(measured.result.data).toMatchObject({
      status: EssayStatus.NLP_FAILED,
      metrics: null,
      system_metadata: { error_info: { code: 'HULEEDU_NOT_FOUND', message: 'text t1 not found' } },
    });
  });

  it('shutting down mid-retry leaves the request for redelivery', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(
      measureRequest(metricsRequest('e1', 't1'), {
        fetchText: async () => {
          throw new HuleEduError('HULEEDU_TRANSIENT', 'down');
        },
        retry: { maxRetries: 5, initialDelayMs: 1, maxDelayMs: 1 },
        signal: abort.signal,
      }),
    ).rejects.toBeInstanceOf(DeliveryInterruptedError);
  });
});

describe('text-metrics worker on the message-bus port (memory bus)', () => {
  it('publishes a result per request in order, and dead-letters a request it cannot read', async () => {
    await using bus = new MemoryBus({ partitions: 1 });
    const texts = new Map([
      ['t1', 'One short sentence here.'],
      ['t2', 'Two words. Three more words.'],
    ]);
    await using _worker = await startMetricsWorker({
      bus,
      content: { fetchText: async (id) => texts.get(id) ?? '' },
      groupId: 'metrics',
      retry: NO_RETRY,
      logger: silentLogger,
      registry: new Registry(),
    });
    const publisher = await bus.publisher();
    const message = (env: EventEnvelope<unknown>, key: string) => ({
      topic: REQUESTS,
      key,
      value: encodeEnvelope(env),
      id: env.event_id,
    });
    await publisher.publish([
      { topic: REQUESTS, key: 'bad', value: Buffer.from('{"not":"an envelope"}') },
      message(metricsRequest('e1', 't1'), 'e1'),
      message(metricsRequest('e2', 't2'), 'e2'),
    ]);
    await waitFor('two results', () => bus.messages(RESULTS).length === 2);
    const results = bus
      .messages(RESULTS)
      .map((m) => decodeEnvelope(m.value, TextMetricsResultDataV1Schema));
    expect(results.map((r) => [r.data.entity_ref.entity_id, r.data.metrics?.words])).toEqual([
      ['e1', 4],
      ['e2', 5],
    ]);
    await waitFor('poison dead-lettered', () => bus.messages(`${REQUESTS}.DLT`).length === 1);
    await publisher.close();
  });
});
