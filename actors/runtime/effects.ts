import {
  derivedUuid,
  EssayStatus,
  makeEnvelope,
  ProcessingEvent,
  ProcessingStage,
} from '../../common-core/index.ts';
import type { OutboxRow } from '../../db/index.ts';
import type {
  AnnounceOutcomeParams,
  AnnounceReadyParams,
  CancelTimerParams,
  RequestSpellcheckParams,
  ScheduleTimerParams,
} from '../../machines/index.ts';

export const SOURCE_SERVICE = 'essay-lifecycle-service';

/** What one transition asks of the world, once interpreted. */
export interface InterpretedEffects {
  outbox: OutboxRow[];
  timersSet: ScheduleTimerParams[];
  timersCancelled: CancelTimerParams[];
}

interface Cause {
  actorType: string;
  actorId: string;
  eventId: string;
  correlationId: string | null;
  now: Date;
}

/** One outbox row: the event's envelope (topic = its mapped topic) under `key`. */
function outboxRow(
  event: ProcessingEvent,
  key: string,
  eventId: string,
  timestamp: string,
  correlationId: string | null,
  data: Record<string, unknown>,
  headers: Record<string, string> = {},
): OutboxRow {
  const env = makeEnvelope({
    event,
    sourceService: SOURCE_SERVICE,
    correlationId,
    eventId,
    timestamp,
    data: { event_name: event, timestamp, ...data },
  });
  return {
    topic: env.event_type,
    key,
    headers,
    envelope: env,
    eventId: env.event_id,
  };
}

/** Interprets the named effect actions of the machines into outbox rows and timer operations. */
export function interpretEffects(
  actions: readonly { type: string; params?: unknown }[],
  cause: Cause,
): InterpretedEffects {
  const out: InterpretedEffects = { outbox: [], timersSet: [], timersCancelled: [] };
  const ts = cause.now.toISOString();
  let n = 0;
  // Ids derive from the cause, so a re-applied cause (after a crash) yields the same events.
  const nextId = (): string =>
    derivedUuid(cause.actorType, cause.actorId, cause.eventId, String(n++));
  for (const action of actions) {
    switch (action.type) {
      case 'scheduleTimer':
        out.timersSet.push(action.params as ScheduleTimerParams);
        break;
      case 'cancelTimer':
        out.timersCancelled.push(action.params as CancelTimerParams);
        break;
      case 'requestSpellcheck': {
        const p = action.params as RequestSpellcheckParams;
        const entity = { entity_id: p.essayId, entity_type: 'essay', parent_id: p.batchId };
        out.outbox.push(
          outboxRow(
            ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED,
            p.essayId,
            nextId(),
            ts,
            p.correlationId ?? cause.correlationId,
            {
              entity_ref: entity,
              status: EssayStatus.AWAITING_SPELLCHECK,
              system_metadata: {
                entity,
                timestamp: ts,
                processing_stage: ProcessingStage.PENDING,
                event: ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED,
                started_at: null,
                completed_at: null,
                error_info: {},
              },
              text_storage_id: p.textStorageId,
              language: p.language,
            },
            { 'huleedu-attempt': String(p.attempt) },
          ),
        );
        break;
      }
      case 'announceReady': {
        const p = action.params as AnnounceReadyParams;
        out.outbox.push(
          outboxRow(
            ProcessingEvent.BATCH_ESSAYS_READY,
            p.batchId,
            nextId(),
            ts,
            p.correlationId ?? cause.correlationId,
            {
              entity_ref: { entity_id: p.batchId, entity_type: 'batch', parent_id: null },
              batch_id: p.batchId,
              ready_essays: p.essays,
            },
          ),
        );
        break;
      }
      case 'announceOutcome': {
        const p = action.params as AnnounceOutcomeParams;
        out.outbox.push(
          outboxRow(
            ProcessingEvent.ELS_BATCH_PHASE_OUTCOME,
            p.batchId,
            nextId(),
            ts,
            p.correlationId ?? cause.correlationId,
            {
              entity_ref: { entity_id: p.batchId, entity_type: 'batch', parent_id: null },
              batch_id: p.batchId,
              phase_name: p.phase,
              phase_status: p.status,
              processed_essays: p.processed,
              failed_essay_ids: p.failed,
            },
          ),
        );
        break;
      }
      default:
        // assign and other built-ins have no effect outside the machine.
        break;
    }
  }
  return out;
}

/** The live status event of an essay that changed state. */
export function essayStatusEvent(
  essayId: string,
  batchId: string | null,
  from: string | null,
  to: string,
  cause: Cause,
  index: number,
): OutboxRow {
  const ts = cause.now.toISOString();
  return outboxRow(
    ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED,
    essayId,
    derivedUuid(cause.actorType, cause.actorId, cause.eventId, `status-${index}`),
    ts,
    cause.correlationId,
    {
      entity_ref: { entity_id: essayId, entity_type: 'essay', parent_id: batchId },
      batch_id: batchId,
      from_status: from,
      to_status: to,
      cause_event_id: cause.eventId,
    },
  );
}
