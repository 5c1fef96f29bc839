import { z } from 'zod';
import {
  BatchPhaseOutcomeV1Schema,
  BatchSpellcheckInitiateCommandV1Schema,
  EssayContentProvisionedV1Schema,
  EssayStatus,
  InvalidPayloadError,
  ProcessingEvent,
  SpellcheckResultDataV1Schema,
} from '../../common-core/index.ts';
import {
  deliveryOf,
  type EssayDefaults,
  type TopicRoute,
  topicRoute,
} from '../lifecycle/routing.ts';
import type { Delivery } from '../runtime/index.ts';

/** What an essay actor is created with. */
function essayInput(
  essayId: string,
  textStorageId: string,
  batchId: string | null,
  defaults: EssayDefaults,
) {
  return {
    essayId,
    textStorageId,
    batchId,
    maxAttempts: defaults.maxAttempts,
    resultTimeoutMs: defaults.resultTimeoutMs,
  };
}

/** What the essay actor takes from each topic it consumes. */
export const ESSAY_ROUTES: readonly TopicRoute[] = [
  topicRoute({
    event: ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
    data: EssayContentProvisionedV1Schema,
    deliveries(env, defaults) {
      const d = env.data;
      const essayId = d.entity_ref.entity_id;
      return [
        deliveryOf(
          env,
          'essay',
          essayId,
          {
            type: 'CONTENT_PROVISIONED',
            textStorageId: d.text_storage_id,
            batchId: d.batch_id,
          },
          essayInput(essayId, d.text_storage_id, d.batch_id, defaults),
        ),
      ];
    },
  }),
  topicRoute({
    event: ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND,
    data: BatchSpellcheckInitiateCommandV1Schema,
    deliveries(env, defaults) {
      const d = env.data;
      return d.essays_to_process.map(
        (e): Delivery =>
          deliveryOf(
            env,
            'essay',
            e.essay_id,
            {
              type: d.retry ? 'SPELLCHECK_RETRY' : 'SPELLCHECK_INITIATED',
              language: d.language,
              correlationId: env.correlation_id,
            },
            essayInput(e.essay_id, e.text_storage_id, d.batch_id, defaults),
          ),
      );
    },
  }),
  topicRoute({
    event: ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED,
    data: SpellcheckResultDataV1Schema,
    deliveries(env) {
      const d = env.data;
      const essayId = d.entity_ref.entity_id;
      if (d.status === EssayStatus.SPELLCHECKED_SUCCESS) {
        const corrected = d.storage_metadata?.references.corrected_text?.storage_id;
        if (!corrected)
          throw new InvalidPayloadError('a successful result must reference the corrected text', [
            'data.storage_metadata.references.corrected_text: required',
          ]);
        return [
          deliveryOf(env, 'essay', essayId, {
            type: 'SPELLCHECK_SUCCEEDED',
            correctedTextStorageId: corrected,
            correctionsMade: d.corrections_made ?? 0,
          }),
        ];
      }
      const info = z
        .object({ code: z.string(), message: z.string() })
        .partial()
        .parse(d.system_metadata.error_info);
      return [
        deliveryOf(env, 'essay', essayId, {
          type: 'SPELLCHECK_FAILED',
          code: info.code ?? 'HULEEDU_PROCESSING_FAILED',
          message: info.message ?? `status ${d.status}`,
        }),
      ];
    },
  }),
  topicRoute({
    event: ProcessingEvent.ELS_BATCH_PHASE_OUTCOME,
    data: BatchPhaseOutcomeV1Schema,
    deliveries(env) {
      const d = env.data;
      return [...d.processed_essays.map((e) => e.essay_id), ...d.failed_essay_ids].map(
        (essayId): Delivery => deliveryOf(env, 'essay', essayId, { type: 'PIPELINE_CONCLUDED' }),
      );
    },
  }),
];
