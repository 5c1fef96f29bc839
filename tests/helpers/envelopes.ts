import { randomUUID } from 'node:crypto';
import {
  type EventEnvelope,
  makeEnvelope,
  type OutgoingMessage,
  ProcessingEvent,
} from '../../common-core/index.ts';

/** A spellcheck-request envelope for `essayId`, padded to about `bytes` bytes when asked. */
export function spellcheckRequest(
  essayId: string,
  seq = 0,
  bytes = 0,
): EventEnvelope<Record<string, unknown>> {
  const now = new Date().toISOString();
  const entity = { entity_id: essayId, entity_type: 'essay', parent_id: 'batch-test' };
  const env = makeEnvelope({
    event: ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED,
    sourceService: 'test',
    correlationId: randomUUID(),
    data: {
      event_name: ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED,
      entity_ref: entity,
      timestamp: now,
      status: 'awaiting_spellcheck',
      system_metadata: {
        entity,
        timestamp: now,
        processing_stage: 'pending',
        event: 'essay.spellcheck.requested',
        started_at: null,
        completed_at: null,
        error_info: { seq },
      },
      text_storage_id: 'a'.repeat(32),
      language: 'en',
    } as Record<string, unknown>,
  });
  if (bytes > 0) {
    const size = Buffer.byteLength(JSON.stringify(env));
    if (size < bytes)
      (env.data.system_metadata as { error_info: Record<string, unknown> }).error_info.pad =
        'x'.repeat(bytes - size - 10);
  }
  return env;
}

/** The envelope as an outgoing message on `topic`, keyed by its essay id. */
export function asMessage(
  topic: string,
  env: EventEnvelope<Record<string, unknown>>,
  key: string,
): OutgoingMessage {
  return {
    topic,
    key,
    value: Buffer.from(JSON.stringify(env)),
    headers: { 'x-test': 'yes' },
    id: env.event_id,
  };
}

/**
 * `count` spellcheck requests on `topic`, numbered from `from` (the number in the `x-seq`
 * header), keyed round-robin over `keys` essays `e0`, `e1`, ...: for checking order per key.
 */
export function numberedMessages(
  topic: string,
  from: number,
  count: number,
  keys: number,
): OutgoingMessage[] {
  return Array.from({ length: count }, (_, j) => {
    const i = from + j;
    const key = `e${i % keys}`;
    return { ...asMessage(topic, spellcheckRequest(key, i), key), headers: { 'x-seq': String(i) } };
  });
}
