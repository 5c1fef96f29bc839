import {
  derivedUuid,
  type EventEnvelope,
  encodeEnvelope,
  makeEnvelope,
  type OutgoingMessage,
  ProcessingEvent,
} from '../../common-core/index.ts';
import type { BatchRecord, EssayRecord } from './batch-registry.ts';

export const API_SOURCE_SERVICE = 'huleedu-api';

/**
 * As a message for JetStream: the subject is the event's topic (the bridge carries it to the
 * Kafka topic of that name), the dedup id its event id.
 */
function asMessage(env: EventEnvelope<unknown>, key: string): OutgoingMessage {
  return { topic: env.event_type, key, value: encodeEnvelope(env), id: env.event_id };
}

/**
 * The registration and one content-provisioned event per essay. Event ids derive from the batch
 * and essay ids, so a publish repeated after a crash or a retried request is a duplicate that
 * JetStream (within its window) and the actors (always) absorb.
 */
export function submissionEvents(
  batch: BatchRecord,
  essays: readonly EssayRecord[],
): OutgoingMessage[] {
  const timestamp = batch.createdAt;
  const registered = makeEnvelope({
    event: ProcessingEvent.BATCH_ESSAYS_REGISTERED,
    sourceService: API_SOURCE_SERVICE,
    correlationId: batch.correlationId,
    eventId: derivedUuid(batch.batchId, 'registered'),
    timestamp,
    data: {
      event_name: ProcessingEvent.BATCH_ESSAYS_REGISTERED,
      entity_ref: { entity_id: batch.batchId, entity_type: 'batch', parent_id: null },
      timestamp,
      batch_id: batch.batchId,
      expected_essay_count: essays.length,
      essay_ids: essays.map((e) => e.essayId),
      course_code: batch.courseCode,
      language: batch.language,
      pipeline: batch.pipeline,
    },
  });
  return [
    asMessage(registered, batch.batchId),
    ...essays.map((e) =>
      asMessage(
        makeEnvelope({
          event: ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
          sourceService: API_SOURCE_SERVICE,
          correlationId: batch.correlationId,
          eventId: derivedUuid(batch.batchId, 'provisioned', e.essayId, e.textStorageId),
          timestamp,
          data: {
            event_name: ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
            entity_ref: { entity_id: e.essayId, entity_type: 'essay', parent_id: batch.batchId },
            timestamp,
            batch_id: batch.batchId,
            text_storage_id: e.textStorageId,
            original_file_name: e.name,
          },
        }),
        e.essayId,
      ),
    ),
  ];
}

/** A command to a batch actor, keyed by the batch, with `fields` beside `batch_id`. */
function batchCommand(
  event: ProcessingEvent,
  batch: BatchRecord,
  eventId: string,
  fields: Record<string, unknown> = {},
): OutgoingMessage {
  const timestamp = new Date().toISOString();
  return asMessage(
    makeEnvelope({
      event,
      sourceService: API_SOURCE_SERVICE,
      correlationId: batch.correlationId,
      eventId,
      timestamp,
      data: {
        event_name: event,
        entity_ref: { entity_id: batch.batchId, entity_type: 'batch', parent_id: null },
        timestamp,
        batch_id: batch.batchId,
        ...fields,
      },
    }),
    batch.batchId,
  );
}

/** The command that retries a batch's failed essays; one per retry request (`retryId`). */
export function retryCommand(batch: BatchRecord, retryId: string): OutgoingMessage {
  return batchCommand(
    ProcessingEvent.BATCH_RETRY_COMMAND,
    batch,
    derivedUuid(batch.batchId, 'retry', retryId),
  );
}

/** The command that cancels a batch; one id per batch, so cancelling twice is one command. */
export function cancelCommand(batch: BatchRecord, reason: string): OutgoingMessage {
  return batchCommand(
    ProcessingEvent.BATCH_CANCEL_COMMAND,
    batch,
    derivedUuid(batch.batchId, 'cancel'),
    {
      reason,
    },
  );
}
