import { ProcessingEvent, topicName } from '../../common-core/index.ts';
import type { OutboxRow } from '../../db/index.ts';
import type { RequestPhaseWorkParams } from '../../machines/index.ts';
import { requirePhase } from '../../phases/index.ts';
import { outboxRow, SOURCE_SERVICE } from '../lifecycle/outbox-row.ts';
import {
  causedId,
  type EffectCause,
  type EffectInterpreter,
  NO_ROWS,
} from '../runtime/effect-interpreter.ts';

/**
 * The essay actor's effects: the request of its current phase (what the phase says it is), and
 * a status event on every change of state (keyed by the essay id, carrying its batch).
 */
export const ESSAY_EFFECTS: EffectInterpreter = {
  rows(action, cause, nextEventId) {
    if (action.type !== 'requestPhaseWork') return NO_ROWS;
    const p = action.params as RequestPhaseWorkParams;
    // The machine is built from the same phases.
    const phase = requirePhase(p.phase);
    return [
      outboxRow(
        phase.request.event,
        p.essayId,
        nextEventId(),
        cause.timestamp,
        p.correlationId ?? cause.correlationId,
        phase.request.build(p, cause.timestamp),
        { 'huleedu-attempt': String(p.attempt) },
      ),
    ];
  },
  stateChanged({ actorId, context, from, to }, cause, eventId) {
    const batchId = (context as { batchId?: string | null }).batchId ?? null;
    return essayStatusRow(eventId, actorId, batchId, from, to, cause);
  },
};

const STATUS_EVENT = ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED;
const STATUS_TOPIC = topicName(STATUS_EVENT);
/** A JSON value: a string literal with its escapes, or null. */
const j = (value: string | null): string => (value === null ? 'null' : JSON.stringify(value));

/**
 * The status event's envelope written straight to JSON text. It is emitted on every transition,
 * and building the object graph then serialising it was ~5 us of a transition's ~50 us of CPU
 * (plus the garbage); this is byte for byte `JSON.stringify(makeEnvelope(...))` with the same
 * fields in the same order (unit-tested against it, awkward strings included).
 */
function statusEnvelopeJson(
  eventId: string,
  timestamp: string,
  correlationId: string | null,
  essayId: string,
  batchId: string | null,
  from: string | null,
  to: string,
  causeEventId: string,
): string {
  const ts = j(timestamp);
  const batch = j(batchId);
  return `{"event_id":${j(eventId)}${STATUS_TYPE_AND_TIME}${ts}${STATUS_SOURCE}${j(correlationId)}${STATUS_DATA}${ts},"entity_ref":{"entity_id":${j(essayId)},"entity_type":"essay","parent_id":${batch}},"batch_id":${batch},"from_status":${j(from)},"to_status":${j(to)},"cause_event_id":${j(causeEventId)}}}`;
}
// The constant stretches of that text, escaped once.
const STATUS_TYPE_AND_TIME = `,"event_type":${j(STATUS_TOPIC)},"event_timestamp":`;
const STATUS_SOURCE = `,"source_service":${j(SOURCE_SERVICE)},"schema_version":1,"correlation_id":`;
const STATUS_DATA = `,"data_schema_uri":null,"data":{"event_name":${j(STATUS_EVENT)},"timestamp":`;

/** The live status event of an essay that changed state (`index`: the change's place in its batch). */
export function essayStatusEvent(
  essayId: string,
  batchId: string | null,
  from: string | null,
  to: string,
  cause: EffectCause,
  index: number,
): OutboxRow {
  return essayStatusRow(causedId(cause, `status-${index}`), essayId, batchId, from, to, cause);
}

function essayStatusRow(
  eventId: string,
  essayId: string,
  batchId: string | null,
  from: string | null,
  to: string,
  cause: EffectCause,
): OutboxRow {
  return {
    topic: STATUS_TOPIC,
    key: essayId,
    headers: {},
    payload: statusEnvelopeJson(
      eventId,
      cause.timestamp,
      cause.correlationId,
      essayId,
      batchId,
      from,
      to,
      cause.eventId,
    ),
    eventId,
  };
}
