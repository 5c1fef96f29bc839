import { ProcessingEvent } from '../../common-core/index.ts';
import type { OutboxRow } from '../../db/index.ts';
import type {
  AnnounceOutcomeParams,
  AnnounceReadyParams,
  RequestPhaseParams,
} from '../../machines/index.ts';
import { requirePhase } from '../../phases/index.ts';
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
    const p = action.params as { batchId: string; correlationId: string | null };
    const row = (event: ProcessingEvent, data: Record<string, unknown>) => [
      batchRow(
        event,
        p.batchId,
        nextEventId(),
        cause.timestamp,
        p.correlationId ?? cause.correlationId,
        data,
      ),
    ];
    switch (action.type) {
      case 'announceReady':
        return row(ProcessingEvent.BATCH_ESSAYS_READY, {
          ready_essays: (p as AnnounceReadyParams).essays,
        });
      case 'requestPhase': {
        // Registrations name registered phases only (others are refused as poison).
        const phase = requirePhase((p as RequestPhaseParams).phase);
        return row(phase.initiate.event, phase.initiate.build(p as RequestPhaseParams));
      }
      case 'announceOutcome': {
        const o = p as AnnounceOutcomeParams;
        return row(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME, {
          phase_name: o.phase,
          phase_status: o.status,
          processed_essays: o.processed,
          failed_essay_ids: o.failed,
          next_phase: o.nextPhase,
        });
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
