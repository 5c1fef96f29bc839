import {
  BatchPhaseOutcomeV1Schema,
  EssayContentProvisionedV1Schema,
  ProcessingEvent,
} from '../../common-core/index.ts';
import { PHASES, type PhaseModule } from '../../phases/index.ts';
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

/** A phase's routes: the batch's command starts the phase for its essays; the worker's result ends it. */
function phaseRoutes(phase: PhaseModule): TopicRoute[] {
  return [
    topicRoute({
      event: phase.initiate.event,
      data: phase.initiate.data,
      deliveries(env, defaults) {
        const d = env.data;
        return d.essays_to_process.map(
          (e): Delivery =>
            deliveryOf(
              env,
              'essay',
              e.essay_id,
              {
                type: 'PHASE_INITIATED',
                phase: phase.name,
                language: d.language,
                correlationId: env.correlation_id,
                pipeline: d.pipeline ?? [phase.name],
                retry: d.retry,
              },
              essayInput(e.essay_id, e.text_storage_id, d.batch_id, defaults),
            ),
        );
      },
    }),
    topicRoute({
      event: phase.result.event,
      data: phase.result.data,
      deliveries(env) {
        const outcome = phase.result.outcome(env.data);
        return [
          deliveryOf(
            env,
            'essay',
            outcome.essayId,
            outcome.ok
              ? { type: 'PHASE_SUCCEEDED', phase: phase.name, result: outcome.result }
              : {
                  type: 'PHASE_FAILED',
                  phase: phase.name,
                  code: outcome.code,
                  message: outcome.message,
                },
          ),
        ];
      },
    }),
  ];
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
  ...PHASES.flatMap(phaseRoutes),
  topicRoute({
    event: ProcessingEvent.ELS_BATCH_PHASE_OUTCOME,
    data: BatchPhaseOutcomeV1Schema,
    deliveries(env) {
      const d = env.data;
      // Essays that failed the phase leave the pipeline; those that passed conclude only when
      // no phase follows (else the next phase's command takes them on).
      const concluded = d.next_phase === null ? d.processed_essays.map((e) => e.essay_id) : [];
      return [...concluded, ...d.failed_essay_ids].map(
        (essayId): Delivery =>
          deliveryOf(env, 'essay', essayId, { type: 'PHASE_CONCLUDED', phase: d.phase_name }),
      );
    },
  }),
];
