import { z } from 'zod';
import {
  BatchCancelCommandV1Schema,
  BatchEssaysRegisteredV1Schema,
  BatchPhaseOutcomeV1Schema,
  BatchRetryCommandV1Schema,
  BatchSpellcheckInitiateCommandV1Schema,
  decodeEnvelope,
  EssayContentProvisionedV1Schema,
  EssayLifecycleStateUpdatedV1Schema,
  EssayStatus,
  type IncomingMessage,
  InvalidPayloadError,
  ProcessingEvent,
  SpellcheckResultDataV1Schema,
  topicName,
} from '../../common-core/index.ts';
import type { Delivery } from '../runtime/index.ts';

/** Per-essay settings given to essay actors when they are created. */
export interface EssayDefaults {
  maxAttempts: number;
  resultTimeoutMs: number;
}

/** The topics the lifecycle host consumes. */
export const LIFECYCLE_TOPICS = [
  ProcessingEvent.BATCH_ESSAYS_REGISTERED,
  ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
  ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND,
  ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED,
  ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED,
  ProcessingEvent.ELS_BATCH_PHASE_OUTCOME,
  ProcessingEvent.BATCH_CANCEL_COMMAND,
  ProcessingEvent.BATCH_RETRY_COMMAND,
].map(topicName);

/** Phases this platform runs; a registration asking for another is refused as poison. */
export const KNOWN_PHASES: readonly string[] = ['spellcheck'];

/**
 * Turns one consumed envelope into the deliveries for the actors it concerns. Validates the data
 * against its topic's schema: anything invalid throws (and is dead-lettered as poison).
 */
export function routeMessage(message: IncomingMessage, defaults: EssayDefaults): Delivery[] {
  const t = message.topic;
  const essayInput = (essayId: string, textStorageId: string, batchId: string | null) => ({
    essayId,
    textStorageId,
    batchId,
    maxAttempts: defaults.maxAttempts,
    resultTimeoutMs: defaults.resultTimeoutMs,
  });
  if (t === topicName(ProcessingEvent.BATCH_ESSAYS_REGISTERED)) {
    const env = decodeEnvelope(message.value, BatchEssaysRegisteredV1Schema);
    const d = env.data;
    const unknown = d.pipeline.filter((p) => !KNOWN_PHASES.includes(p));
    if (unknown.length > 0 || d.pipeline.length === 0)
      throw new InvalidPayloadError(
        `pipeline must list phases this platform runs (${KNOWN_PHASES.join(', ')})`,
        [`data.pipeline: unknown ${JSON.stringify(unknown.slice(0, 10))}`],
      );
    return [
      {
        actorType: 'batch',
        actorId: d.batch_id,
        eventId: env.event_id,
        correlationId: env.correlation_id,
        createWith: { batchId: d.batch_id },
        event: {
          type: 'BATCH_REGISTERED',
          essayIds: d.essay_ids,
          pipeline: d.pipeline,
          language: d.language,
          correlationId: env.correlation_id,
        },
      },
    ];
  }
  if (t === topicName(ProcessingEvent.ESSAY_CONTENT_PROVISIONED)) {
    const env = decodeEnvelope(message.value, EssayContentProvisionedV1Schema);
    const d = env.data;
    const essayId = d.entity_ref.entity_id;
    return [
      {
        actorType: 'batch',
        actorId: d.batch_id,
        eventId: env.event_id,
        correlationId: env.correlation_id,
        createWith: { batchId: d.batch_id },
        event: { type: 'ESSAY_PROVISIONED', essayId, textStorageId: d.text_storage_id },
      },
      {
        actorType: 'essay',
        actorId: essayId,
        eventId: env.event_id,
        correlationId: env.correlation_id,
        createWith: essayInput(essayId, d.text_storage_id, d.batch_id),
        event: {
          type: 'CONTENT_PROVISIONED',
          textStorageId: d.text_storage_id,
          batchId: d.batch_id,
        },
      },
    ];
  }
  if (t === topicName(ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND)) {
    const env = decodeEnvelope(message.value, BatchSpellcheckInitiateCommandV1Schema);
    const d = env.data;
    return [
      {
        actorType: 'batch',
        actorId: d.batch_id,
        eventId: env.event_id,
        correlationId: env.correlation_id,
        event: { type: 'PHASE_INITIATED', phase: 'spellcheck', correlationId: env.correlation_id },
      },
      ...d.essays_to_process.map(
        (e): Delivery => ({
          actorType: 'essay',
          actorId: e.essay_id,
          eventId: env.event_id,
          correlationId: env.correlation_id,
          createWith: essayInput(e.essay_id, e.text_storage_id, d.batch_id),
          event: {
            type: d.retry ? 'SPELLCHECK_RETRY' : 'SPELLCHECK_INITIATED',
            language: d.language,
            correlationId: env.correlation_id,
          },
        }),
      ),
    ];
  }
  if (t === topicName(ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED)) {
    const env = decodeEnvelope(message.value, SpellcheckResultDataV1Schema);
    const d = env.data;
    const essayId = d.entity_ref.entity_id;
    if (d.status === EssayStatus.SPELLCHECKED_SUCCESS) {
      const corrected = d.storage_metadata?.references.corrected_text?.storage_id;
      if (!corrected)
        throw new InvalidPayloadError('a successful result must reference the corrected text', [
          'data.storage_metadata.references.corrected_text: required',
        ]);
      return [
        {
          actorType: 'essay',
          actorId: essayId,
          eventId: env.event_id,
          correlationId: env.correlation_id,
          event: {
            type: 'SPELLCHECK_SUCCEEDED',
            correctedTextStorageId: corrected,
            correctionsMade: d.corrections_made ?? 0,
          },
        },
      ];
    }
    const info = z
      .object({ code: z.string(), message: z.string() })
      .partial()
      .parse(d.system_metadata.error_info);
    return [
      {
        actorType: 'essay',
        actorId: essayId,
        eventId: env.event_id,
        correlationId: env.correlation_id,
        event: {
          type: 'SPELLCHECK_FAILED',
          code: info.code ?? 'HULEEDU_PROCESSING_FAILED',
          message: info.message ?? `status ${d.status}`,
        },
      },
    ];
  }
  if (t === topicName(ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED)) {
    const env = decodeEnvelope(message.value, EssayLifecycleStateUpdatedV1Schema);
    const d = env.data;
    const concluded =
      d.to_status === EssayStatus.SPELLCHECKED_SUCCESS
        ? 'success'
        : d.to_status === EssayStatus.SPELLCHECK_FAILED
          ? 'failed'
          : null;
    if (!concluded || !d.batch_id) return [];
    return [
      {
        actorType: 'batch',
        actorId: d.batch_id,
        eventId: env.event_id,
        correlationId: env.correlation_id,
        event: {
          type: 'ESSAY_PHASE_CONCLUDED',
          essayId: d.entity_ref.entity_id,
          outcome: concluded,
        },
      },
    ];
  }
  if (t === topicName(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME)) {
    const env = decodeEnvelope(message.value, BatchPhaseOutcomeV1Schema);
    const d = env.data;
    return [...d.processed_essays.map((e) => e.essay_id), ...d.failed_essay_ids].map(
      (essayId): Delivery => ({
        actorType: 'essay',
        actorId: essayId,
        eventId: env.event_id,
        correlationId: env.correlation_id,
        event: { type: 'PIPELINE_CONCLUDED' },
      }),
    );
  }
  if (t === topicName(ProcessingEvent.BATCH_CANCEL_COMMAND)) {
    const env = decodeEnvelope(message.value, BatchCancelCommandV1Schema);
    return [
      {
        actorType: 'batch',
        actorId: env.data.batch_id,
        eventId: env.event_id,
        correlationId: env.correlation_id,
        event: { type: 'CANCEL_REQUESTED', reason: env.data.reason },
      },
    ];
  }
  if (t === topicName(ProcessingEvent.BATCH_RETRY_COMMAND)) {
    const env = decodeEnvelope(message.value, BatchRetryCommandV1Schema);
    return [
      {
        actorType: 'batch',
        actorId: env.data.batch_id,
        eventId: env.event_id,
        correlationId: env.correlation_id,
        event: { type: 'RETRY_REQUESTED', correlationId: env.correlation_id },
      },
    ];
  }
  throw new InvalidPayloadError(`the lifecycle host does not consume topic ${t}`, [`topic: ${t}`]);
}
