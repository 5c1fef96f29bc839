import {
  derivedUuid,
  EssayStatus,
  type EventEnvelope,
  HuleEduError,
  makeEnvelope,
  ProcessingEvent,
  ProcessingStage,
  type RetryPolicy,
  type TextMetricsRequestedDataV1,
  type TextMetricsResultDataV1,
  type TextMetricsV1,
} from '../../common-core/index.ts';
import { DeliveryInterruptedError, retry } from '../../messaging/index.ts';
import { textMetrics } from './text-metrics.ts';

export const SOURCE_SERVICE = 'text-metrics-service';

/** What measuring a request needs, injected. */
export interface MeasureDeps {
  fetchText: (storageId: string, correlationId: string | null) => Promise<string>;
  /** Bound on retries of a content-service call that failed transiently. */
  retry: RetryPolicy;
  now?: () => Date;
  signal?: AbortSignal;
  /** Called between retries, so that a long wait for the content service keeps the partition. */
  heartbeat?: () => Promise<void>;
}

/** A request's result, ready to publish (keyed by the essay id), and how it went. */
export interface MeasuredRequest {
  essayId: string;
  result: EventEnvelope<TextMetricsResultDataV1>;
  ok: boolean;
  errorCode?: string;
}

/**
 * Compute one essay's text metrics: fetch its text (retried while the content service is
 * away) and measure it. A text that cannot be had produces an `nlp_failed` result with
 * `error_info`, so the lifecycle never waits forever; shutting down mid-retry leaves the request
 * for redelivery. The same request always yields the same result id.
 */
export async function measureRequest(
  request: EventEnvelope<TextMetricsRequestedDataV1>,
  deps: MeasureDeps,
): Promise<MeasuredRequest> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const data = request.data;
  const essayId = data.entity_ref.entity_id;
  let metrics: TextMetricsV1 | null = null;
  let error: { code: string; message: string } | null = null;
  try {
    const text = await retry(() => deps.fetchText(data.text_storage_id, request.correlation_id), {
      policy: deps.retry,
      signal: deps.signal,
      ...(deps.heartbeat ? { beforeNextAttempt: deps.heartbeat } : {}),
    });
    const m = textMetrics(text, { correctionsMade: data.corrections_made });
    metrics = {
      words: m.words,
      sentences: m.sentences,
      mean_sentence_length: m.meanSentenceLength,
      lexical_diversity: m.lexicalDiversity,
      readability_grade: m.readabilityGrade,
      spelling_error_rate: m.spellingErrorRate,
    };
  } catch (e) {
    if (deps.signal?.aborted) throw new DeliveryInterruptedError();
    error = {
      code: e instanceof HuleEduError ? e.code : 'HULEEDU_PROCESSING_FAILED',
      message: e instanceof Error ? e.message : String(e),
    };
  }
  const completedAt = now().toISOString();
  const event = ProcessingEvent.ESSAY_NLP_RESULT_RECEIVED;
  const result = makeEnvelope({
    event,
    sourceService: SOURCE_SERVICE,
    correlationId: request.correlation_id,
    eventId: derivedUuid(request.event_id, 'metrics-result'),
    data: {
      event_name: event,
      entity_ref: data.entity_ref,
      timestamp: completedAt,
      status: error ? EssayStatus.NLP_FAILED : EssayStatus.NLP_SUCCESS,
      system_metadata: {
        entity: data.entity_ref,
        timestamp: completedAt,
        processing_stage: error ? ProcessingStage.FAILED : ProcessingStage.COMPLETED,
        event,
        started_at: startedAt,
        completed_at: completedAt,
        error_info: error ?? {},
      },
      text_storage_id: data.text_storage_id,
      metrics,
    },
  });
  return { essayId, result, ok: error === null, ...(error ? { errorCode: error.code } : {}) };
}
