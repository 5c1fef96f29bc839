import {
  BatchCancelCommandV1Schema,
  BatchEssaysRegisteredV1Schema,
  BatchRetryCommandV1Schema,
  EssayContentProvisionedV1Schema,
  EssayLifecycleStateUpdatedV1Schema,
  InvalidPayloadError,
  ProcessingEvent,
} from '../../common-core/index.ts';
import { PHASES } from '../../phases/index.ts';
import { deliveryOf, type TopicRoute, topicRoute } from '../lifecycle/routing.ts';

/** Phases this platform runs; a registration asking for another is refused as poison. */
export const KNOWN_PHASES: readonly string[] = PHASES.map((p) => p.name);

/** The essay statuses that conclude a phase: its success and failed states. */
const CONCLUDING_STATUSES = new Map<string, { phase: string; outcome: 'success' | 'failed' }>(
  PHASES.flatMap((p) => [
    [p.statuses.success, { phase: p.name, outcome: 'success' }],
    [p.statuses.failed, { phase: p.name, outcome: 'failed' }],
  ]),
);

/** What the batch actor takes from each topic it consumes. */
export const BATCH_ROUTES: readonly TopicRoute[] = [
  topicRoute({
    event: ProcessingEvent.BATCH_ESSAYS_REGISTERED,
    data: BatchEssaysRegisteredV1Schema,
    deliveries(env) {
      const d = env.data;
      const unknown = d.pipeline.filter((p) => !KNOWN_PHASES.includes(p));
      if (
        unknown.length > 0 ||
        d.pipeline.length === 0 ||
        new Set(d.pipeline).size < d.pipeline.length
      )
        throw new InvalidPayloadError(
          `pipeline must list phases this platform runs, each once (${KNOWN_PHASES.join(', ')})`,
          [`data.pipeline: unknown ${JSON.stringify(unknown.slice(0, 10))}`],
        );
      return [
        deliveryOf(
          env,
          'batch',
          d.batch_id,
          {
            type: 'BATCH_REGISTERED',
            essayIds: d.essay_ids,
            pipeline: d.pipeline,
            language: d.language,
            correlationId: env.correlation_id,
          },
          { batchId: d.batch_id },
        ),
      ];
    },
  }),
  topicRoute({
    event: ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
    data: EssayContentProvisionedV1Schema,
    deliveries(env) {
      const d = env.data;
      return [
        deliveryOf(
          env,
          'batch',
          d.batch_id,
          {
            type: 'ESSAY_PROVISIONED',
            essayId: d.entity_ref.entity_id,
            textStorageId: d.text_storage_id,
          },
          { batchId: d.batch_id },
        ),
      ];
    },
  }),
  // The batch's own command for a phase comes back: the phase is running.
  ...PHASES.map((phase) =>
    topicRoute({
      event: phase.initiate.event,
      data: phase.initiate.data,
      deliveries(env) {
        return [
          deliveryOf(env, 'batch', env.data.batch_id, {
            type: 'PHASE_INITIATED',
            phase: phase.name,
            correlationId: env.correlation_id,
          }),
        ];
      },
    }),
  ),
  // An essay that reached a phase's success or failed state concluded that phase.
  topicRoute({
    event: ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED,
    data: EssayLifecycleStateUpdatedV1Schema,
    deliveries(env) {
      const d = env.data;
      const concluded = CONCLUDING_STATUSES.get(d.to_status);
      if (!concluded || !d.batch_id) return [];
      return [
        deliveryOf(env, 'batch', d.batch_id, {
          type: 'ESSAY_PHASE_CONCLUDED',
          essayId: d.entity_ref.entity_id,
          ...concluded,
        }),
      ];
    },
  }),
  topicRoute({
    event: ProcessingEvent.BATCH_CANCEL_COMMAND,
    data: BatchCancelCommandV1Schema,
    deliveries(env) {
      return [
        deliveryOf(env, 'batch', env.data.batch_id, {
          type: 'CANCEL_REQUESTED',
          reason: env.data.reason,
        }),
      ];
    },
  }),
  topicRoute({
    event: ProcessingEvent.BATCH_RETRY_COMMAND,
    data: BatchRetryCommandV1Schema,
    deliveries(env) {
      return [
        deliveryOf(env, 'batch', env.data.batch_id, {
          type: 'RETRY_REQUESTED',
          correlationId: env.correlation_id,
        }),
      ];
    },
  }),
];
