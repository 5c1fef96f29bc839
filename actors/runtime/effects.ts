import {
  derivedUuid,
  EssayStatus,
  makeEnvelope,
  ProcessingEvent,
  ProcessingStage,
  topicName,
} from '../../common-core/index.ts';
import type { OutboxRow } from '../../db/index.ts';
import type {
  AnnounceOutcomeParams,
  AnnounceReadyParams,
  CancelTimerParams,
  RequestPhaseParams,
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
  /** `now` as ISO-8601, formatted once per batch. */
  timestamp: string;
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
    payload: JSON.stringify(env),
    eventId: env.event_id,
  };
}

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

/**
 * The id of an event a cause emitted, told apart by `which` (its position, or `status-<n>`):
 * a re-applied cause (after a crash) yields the same ids.
 */
function causedId(cause: Cause, which: number | string): string {
  return derivedUuid(cause.actorType, cause.actorId, cause.eventId, String(which));
}

/** Interprets the named effect actions of the machines into outbox rows and timer operations. */
export function interpretEffects(
  actions: readonly { type: string; params?: unknown }[],
  cause: Cause,
): InterpretedEffects {
  const out: InterpretedEffects = { outbox: [], timersSet: [], timersCancelled: [] };
  const ts = cause.timestamp;
  let n = 0;
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
            causedId(cause, n++),
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
            causedId(cause, n++),
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
      case 'requestPhase': {
        const p = action.params as RequestPhaseParams;
        // Phase 1.2 runs one phase; the registration is refused (dead-lettered) for any other.
        if (p.phase !== 'spellcheck') break;
        out.outbox.push(
          outboxRow(
            ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND,
            p.batchId,
            causedId(cause, n++),
            ts,
            p.correlationId ?? cause.correlationId,
            {
              entity_ref: { entity_id: p.batchId, entity_type: 'batch', parent_id: null },
              batch_id: p.batchId,
              essays_to_process: p.essays,
              language: p.language,
              retry: p.retry,
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
            causedId(cause, n++),
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

/** The live status event of a batch that changed state (keyed by the batch id). */
export function batchStatusEvent(
  batchId: string,
  from: string | null,
  to: string,
  cause: Cause,
  index: number,
): OutboxRow {
  return outboxRow(
    ProcessingEvent.BATCH_LIFECYCLE_STATE_UPDATED,
    batchId,
    causedId(cause, `status-${index}`),
    cause.timestamp,
    cause.correlationId,
    {
      entity_ref: { entity_id: batchId, entity_type: 'batch', parent_id: null },
      batch_id: batchId,
      from_status: from,
      to_status: to,
      cause_event_id: cause.eventId,
    },
  );
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
  const eventId = causedId(cause, `status-${index}`);
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
