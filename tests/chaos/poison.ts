import { randomUUID } from 'node:crypto';
import { type OutgoingMessage, ProcessingEvent, topicName } from '../../common-core/index.ts';
import { FlowFixture } from '../helpers/flow.ts';

/** Header that marks a poison message, so its dead letter can be found (headers travel along). */
export const POISON_HEADER = 'huleedu-chaos-poison';

/** The kinds of poison every consumed topic and edge subject gets. */
export const POISON_KINDS = [
  'not_json',
  'wrong_schema',
  'unknown_schema_version',
  'oversized_after_escaping',
  'nul_id',
  'huge_id',
] as const;

function envelopeLike(topic: string, data: unknown, schemaVersion = 1): Buffer {
  return Buffer.from(
    JSON.stringify({
      event_id: randomUUID(),
      event_type: topic,
      event_timestamp: new Date().toISOString(),
      source_service: 'chaos',
      schema_version: schemaVersion,
      correlation_id: null,
      data_schema_uri: null,
      data,
    }),
  );
}

/** One poison message of `kind` for `topic` (a Kafka topic or a NATS subject of the same name). */
export function poisonFor(
  topic: string,
  kind: (typeof POISON_KINDS)[number],
  id: number,
): OutgoingMessage {
  const headers = { [POISON_HEADER]: String(id) };
  const key = `poison-${id}`;
  switch (kind) {
    case 'not_json':
      return { topic, key, value: Buffer.from(`this is not json { ${id}`), headers };
    case 'wrong_schema':
      return {
        topic,
        key,
        value: envelopeLike(topic, {
          entity_ref: { entity_id: key, entity_type: 'essay' },
          nonsense: true,
        }),
        headers,
      };
    case 'unknown_schema_version':
      return {
        topic,
        key,
        value: envelopeLike(topic, { entity_ref: { entity_id: key, entity_type: 'essay' } }, 99),
        headers,
      };
    case 'oversized_after_escaping':
      // Control bytes: six times their size once JSON-escaped into a dead letter.
      return { topic, key, value: Buffer.alloc(300 * 1024, 0x01), headers };
    case 'nul_id':
      return {
        topic,
        key: `nul\u0000${id}`,
        value: envelopeLike(topic, {
          entity_ref: { entity_id: `e\u0000${id}`, entity_type: 'essay' },
          batch_id: `b\u0000${id}`,
        }),
        headers,
      };
    case 'huge_id': {
      const huge = `h${id}-${'x'.repeat(10_000)}`;
      return {
        topic,
        key: huge,
        value: envelopeLike(topic, {
          entity_ref: { entity_id: huge, entity_type: 'essay' },
          batch_id: huge,
        }),
        headers,
      };
    }
  }
}

/**
 * Valid events for actors that do not exist: a result for an essay nobody registered, a cancel
 * and a retry for batches nobody submitted. Applied to nothing, each must be dead-lettered.
 */
export function unknownActorEvents(firstId: number): OutgoingMessage[] {
  const f = FlowFixture.create(1);
  const withHeader = (m: OutgoingMessage, id: number): OutgoingMessage => ({
    ...m,
    headers: { ...(m.headers ?? {}), [POISON_HEADER]: String(id) },
  });
  const cancel = {
    ...f.retry(),
    topic: topicName(ProcessingEvent.BATCH_CANCEL_COMMAND),
  };
  const cancelBody = JSON.parse(Buffer.from(cancel.value).toString()) as Record<string, unknown>;
  cancelBody.event_type = topicName(ProcessingEvent.BATCH_CANCEL_COMMAND);
  (cancelBody.data as Record<string, unknown>).event_name = ProcessingEvent.BATCH_CANCEL_COMMAND;
  return [
    withHeader(f.result(`unknown-essay-${firstId}`, true), firstId),
    withHeader({ ...cancel, value: Buffer.from(JSON.stringify(cancelBody)) }, firstId + 1),
    withHeader(f.retry(), firstId + 2),
  ];
}
