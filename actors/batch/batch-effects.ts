import { ProcessingEvent } from '../../common-core/index.ts';
import type { OutboxRow } from '../../db/index.ts';
import type {
  AnnounceOutcomeParams,
  AnnounceReadyParams,
  RequestPhaseParams,
} from '../../machines/index.ts';
import { phaseNamed } from '../../phases/index.ts';
import { outboxRow } from '../lifecycle/outbox-row.ts';
import {
  causedId,
  type EffectCause,
  type EffectInterpreter,
  NO_ROWS,
} from '../runtime/effect-interpreter.ts';

/**
 * The batch actor's effects: essays ready, a phase requested (its command, as the phase says), a phase's outcome, and a status
 * event on every change of state (keyed by the batch id).
 */
export const BATCH_EFFECTS: EffectInterpreter = {
  rows(action, cause, nextEventId) {
    switch (action.type) {
      case 'announceReady': {
        const p = action.params as AnnounceReadyParams;
        return [
          batchRow(
            ProcessingEvent.BATCH_ESSAYS_READY,
            p.batchId,
            nextEventId(),
            cause.timestamp,
            p.correlationId ?? cause.correlationId,
            {
              ready_essays: p.essays,
            },
          ),
        ];
      }
      case 'requestPhase': {
        const p = action.params as RequestPhaseParams;
        const phase = phaseNamed(p.phase);
        // Registrations name registered phases only (others are refused as poison).
        if (!phase) throw new Error(`batch ${p.batchId}: no registered phase ${p.phase}`);
        return [
          batchRow(
            phase.initiate.event,
            p.batchId,
            nextEventId(),
            cause.timestamp,
            p.correlationId ?? cause.correlationId,
            phase.initiate.build(p),
          ),
        ];
      }
      case 'announceOutcome': {
        const p = action.params as AnnounceOutcomeParams;
        return [
          batchRow(
            ProcessingEvent.ELS_BATCH_PHASE_OUTCOME,
            p.batchId,
            nextEventId(),
            cause.timestamp,
            p.correlationId ?? cause.correlationId,
            {
              phase_name: p.phase,
              phase_status: p.status,
              processed_essays: p.processed,
              failed_essay_ids: p.failed,
              next_phase: p.nextPhase,
            },
          ),
        ];
      }
      default:
        return NO_ROWS;
    }
  },
  stateChanged({ actorId, from, to }, cause, eventId) {
    return batchStatusRow(eventId, actorId, from, to, cause);
  },
};

/** An event about a batch, keyed by its id (`entity_ref` and `batch_id` set from it). */
function batchRow(
  event: ProcessingEvent,
  batchId: string,
  eventId: string,
  timestamp: string,
  correlationId: string | null,
  data: Record<string, unknown>,
): OutboxRow {
  return outboxRow(event, batchId, eventId, timestamp, correlationId, {
    entity_ref: { entity_id: batchId, entity_type: 'batch', parent_id: null },
    batch_id: batchId,
    ...data,
  });
}

/** The live status event of a batch that changed state (`index`: the change's place in its batch). */
export function batchStatusEvent(
  batchId: string,
  from: string | null,
  to: string,
  cause: EffectCause,
  index: number,
): OutboxRow {
  return batchStatusRow(causedId(cause, `status-${index}`), batchId, from, to, cause);
}

function batchStatusRow(
  eventId: string,
  batchId: string,
  from: string | null,
  to: string,
  cause: EffectCause,
): OutboxRow {
  return batchRow(
    ProcessingEvent.BATCH_LIFECYCLE_STATE_UPDATED,
    batchId,
    eventId,
    cause.timestamp,
    cause.correlationId,
    {
      from_status: from,
      to_status: to,
      cause_event_id: cause.eventId,
    },
  );
}
