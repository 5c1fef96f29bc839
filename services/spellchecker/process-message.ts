import {
  ContentType,
  derivedUuid,
  EssayStatus,
  type EventEnvelope,
  HuleEduError,
  makeEnvelope,
  ProcessingEvent,
  ProcessingStage,
  type RetryPolicy,
  type SpellcheckRequestedDataV1,
  type SpellcheckResultDataV1,
} from '../../common-core/index.ts';
import { DeliveryInterruptedError, retry } from '../../messaging/index.ts';
import type { SpellCheckFn } from './engine/spell-check.ts';

export const SOURCE_SERVICE = 'spell-checker-service';

/** Everything `processMessage` touches, injected (the seed's B.1). */
export interface SpellcheckDeps {
  fetchText: (storageId: string, correlationId: string | null) => Promise<string>;
  storeText: (text: string, correlationId: string | null) => Promise<string>;
  spellCheck: SpellCheckFn;
  /** Publishes the result durably (to Kafka, key = essay id); throws when it could not. */
  publish: (result: EventEnvelope<SpellcheckResultDataV1>, key: string) => Promise<void>;
  /** Bound on retries of a content-service call that failed transiently. */
  retry: RetryPolicy;
  now?: () => Date;
  signal?: AbortSignal;
  /** Called between retries, so that a long wait for the content service keeps the partition. */
  heartbeat?: () => Promise<void>;
  onOutcome?: (outcome: SpellcheckOutcome) => void;
}

export interface SpellcheckOutcome {
  status: 'spellchecked_success' | 'spellcheck_failed';
  essayId: string;
  correctionsMade: number | null;
  durationSeconds: number;
  errorCode?: string;
}

/** What checking a request needs: everything but the publishing of its result. */
export type CheckDeps = Omit<SpellcheckDeps, 'publish' | 'onOutcome'>;

/** A request's result, ready to publish (keyed by `outcome.essayId`), and its outcome. */
export interface CheckedRequest {
  result: EventEnvelope<SpellcheckResultDataV1>;
  outcome: SpellcheckOutcome;
}

/**
 * Spell-check one requested essay: fetch its text, correct it, store the corrected text and
 * publish the result. A missing text, an unsupported language or a content service that stays
 * down past the retry bound produce a `spellcheck_failed` result with `error_info`, so the
 * lifecycle never waits forever. Only a failure to publish throws (the message is then
 * retried and, past the bound, dead-lettered by the consumer).
 */
export async function processMessage(
  request: EventEnvelope<SpellcheckRequestedDataV1>,
  deps: SpellcheckDeps,
): Promise<SpellcheckOutcome> {
  const { result, outcome } = await checkRequest(request, deps);
  await deps.publish(result, outcome.essayId);
  deps.onOutcome?.(outcome);
  return outcome;
}

/**
 * `processMessage` without the publish: the result to publish and the outcome. The batch worker
 * checks a chunk's requests concurrently with this, then publishes their results in order.
 */
export async function checkRequest(
  request: EventEnvelope<SpellcheckRequestedDataV1>,
  deps: CheckDeps,
): Promise<CheckedRequest> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const data = request.data;
  const essayId = data.entity_ref.entity_id;
  const correlationId = request.correlation_id;

  let resultData: SpellcheckResultDataV1;
  let outcome: SpellcheckOutcome;
  try {
    // The content service may be away for a while: retried with heartbeats between waits.
    const patiently = {
      policy: deps.retry,
      signal: deps.signal,
      ...(deps.heartbeat ? { beforeNextAttempt: deps.heartbeat } : {}),
    };
    const text = await retry(() => deps.fetchText(data.text_storage_id, correlationId), patiently);
    const checked = await deps.spellCheck(text, data.language);
    const correctedId = await retry(
      () => deps.storeText(checked.correctedText, correlationId),
      patiently,
    );
    const completedAt = now();
    resultData = {
      event_name: ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED,
      entity_ref: data.entity_ref,
      timestamp: completedAt.toISOString(),
      status: EssayStatus.SPELLCHECKED_SUCCESS,
      system_metadata: {
        entity: data.entity_ref,
        timestamp: completedAt.toISOString(),
        processing_stage: ProcessingStage.COMPLETED,
        event: ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED,
        started_at: startedAt.toISOString(),
        completed_at: completedAt.toISOString(),
        error_info: {},
      },
      original_text_storage_id: data.text_storage_id,
      storage_metadata: {
        references: {
          [ContentType.ORIGINAL_ESSAY]: { storage_id: data.text_storage_id, path: '' },
          [ContentType.CORRECTED_TEXT]: { storage_id: correctedId, path: '' },
        },
      },
      corrections_made: checked.corrections.length,
    };
    outcome = {
      status: 'spellchecked_success',
      essayId,
      correctionsMade: checked.corrections.length,
      durationSeconds: (completedAt.getTime() - startedAt.getTime()) / 1000,
    };
  } catch (error) {
    // Shutting down mid-retry: leave the request uncommitted for redelivery, not failed.
    if (deps.signal?.aborted) throw new DeliveryInterruptedError();
    const completedAt = now();
    const code = error instanceof HuleEduError ? error.code : 'HULEEDU_PROCESSING_FAILED';
    const message = error instanceof Error ? error.message : String(error);
    resultData = {
      event_name: ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED,
      entity_ref: data.entity_ref,
      timestamp: completedAt.toISOString(),
      status: EssayStatus.SPELLCHECK_FAILED,
      system_metadata: {
        entity: data.entity_ref,
        timestamp: completedAt.toISOString(),
        processing_stage: ProcessingStage.FAILED,
        event: ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED,
        started_at: startedAt.toISOString(),
        completed_at: completedAt.toISOString(),
        error_info: { code, message },
      },
      original_text_storage_id: data.text_storage_id,
      storage_metadata: {
        references: {
          [ContentType.ORIGINAL_ESSAY]: { storage_id: data.text_storage_id, path: '' },
        },
      },
      corrections_made: null,
    };
    outcome = {
      status: 'spellcheck_failed',
      essayId,
      correctionsMade: null,
      durationSeconds: (completedAt.getTime() - startedAt.getTime()) / 1000,
      errorCode: code,
    };
  }

  const result = makeEnvelope({
    event: ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED,
    sourceService: SOURCE_SERVICE,
    correlationId,
    // The same request always yields the same result id: a redelivery is a deduplicable duplicate.
    eventId: derivedUuid(request.event_id, 'spellcheck-result'),
    data: resultData,
  });
  return { result, outcome };
}
