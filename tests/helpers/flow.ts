import { randomUUID } from 'node:crypto';
import {
  type EventEnvelope,
  makeEnvelope,
  type OutgoingMessage,
  ProcessingEvent,
  ProcessingStage,
} from '../../common-core/index.ts';

/** Envelopes of the spellcheck flow for one batch, as the edge services would publish them. */
export class FlowFixture {
  readonly correlationId = randomUUID();
  constructor(
    readonly batchId: string,
    readonly essayIds: readonly string[],
  ) {}

  static create(size: number): FlowFixture {
    const batchId = `batch-${randomUUID().slice(0, 8)}`;
    return new FlowFixture(
      batchId,
      Array.from({ length: size }, (_, i) => `${batchId}-essay-${i}`),
    );
  }

  private msg(env: EventEnvelope<unknown>, key: string): OutgoingMessage {
    return {
      topic: env.event_type,
      key,
      value: Buffer.from(JSON.stringify(env)),
      id: env.event_id,
    };
  }

  registered(): OutgoingMessage {
    const ts = new Date().toISOString();
    return this.msg(
      makeEnvelope({
        event: ProcessingEvent.BATCH_ESSAYS_REGISTERED,
        sourceService: 'test',
        correlationId: this.correlationId,
        data: {
          event_name: ProcessingEvent.BATCH_ESSAYS_REGISTERED,
          entity_ref: { entity_id: this.batchId, entity_type: 'batch', parent_id: null },
          timestamp: ts,
          batch_id: this.batchId,
          expected_essay_count: this.essayIds.length,
          essay_ids: this.essayIds,
          course_code: null,
          language: 'en',
          pipeline: ['spellcheck'],
        },
      }),
      this.batchId,
    );
  }

  provisioned(essayId: string): OutgoingMessage {
    const ts = new Date().toISOString();
    return this.msg(
      makeEnvelope({
        event: ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
        sourceService: 'test',
        correlationId: this.correlationId,
        data: {
          event_name: ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
          entity_ref: { entity_id: essayId, entity_type: 'essay', parent_id: this.batchId },
          timestamp: ts,
          batch_id: this.batchId,
          text_storage_id: `text-${essayId}`,
          original_file_name: null,
        },
      }),
      essayId,
    );
  }

  initiate(): OutgoingMessage {
    const ts = new Date().toISOString();
    return this.msg(
      makeEnvelope({
        event: ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND,
        sourceService: 'test',
        correlationId: this.correlationId,
        data: {
          event_name: ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND,
          entity_ref: { entity_id: this.batchId, entity_type: 'batch', parent_id: null },
          timestamp: ts,
          batch_id: this.batchId,
          essays_to_process: this.essayIds.map((id) => ({
            essay_id: id,
            text_storage_id: `text-${id}`,
          })),
          language: 'en',
        },
      }),
      this.batchId,
    );
  }

  /** A teacher's retry of the batch's failed essays. */
  retry(): OutgoingMessage {
    const ts = new Date().toISOString();
    return this.msg(
      makeEnvelope({
        event: ProcessingEvent.BATCH_RETRY_COMMAND,
        sourceService: 'test',
        correlationId: this.correlationId,
        data: {
          event_name: ProcessingEvent.BATCH_RETRY_COMMAND,
          entity_ref: { entity_id: this.batchId, entity_type: 'batch', parent_id: null },
          timestamp: ts,
          batch_id: this.batchId,
        },
      }),
      this.batchId,
    );
  }

  /** A spellcheck result; a distinct event id each call unless `eventId` is given. */
  result(essayId: string, ok: boolean, eventId?: string): OutgoingMessage {
    const ts = new Date().toISOString();
    const entity = { entity_id: essayId, entity_type: 'essay', parent_id: this.batchId };
    return this.msg(
      makeEnvelope({
        event: ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED,
        sourceService: 'test',
        correlationId: this.correlationId,
        ...(eventId ? { eventId } : {}),
        data: {
          event_name: ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED,
          entity_ref: entity,
          timestamp: ts,
          status: ok ? 'spellchecked_success' : 'spellcheck_failed',
          system_metadata: {
            entity,
            timestamp: ts,
            processing_stage: ok ? ProcessingStage.COMPLETED : ProcessingStage.FAILED,
            event: ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED,
            started_at: ts,
            completed_at: ts,
            error_info: ok ? {} : { code: 'HULEEDU_NOT_FOUND', message: 'text missing' },
          },
          original_text_storage_id: `text-${essayId}`,
          storage_metadata: ok
            ? {
                references: {
                  original_essay: { storage_id: `text-${essayId}`, path: '' },
                  corrected_text: { storage_id: `fixed-${essayId}`, path: '' },
                },
              }
            : null,
          corrections_made: ok ? 2 : null,
        },
      }),
      essayId,
    );
  }
}
