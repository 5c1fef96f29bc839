import { makeEnvelope, type ProcessingEvent } from '../../common-core/index.ts';
import type { OutboxRow } from '../../db/index.ts';

/** The service the lifecycle's events come from (`source_service` of their envelopes). */
export const SOURCE_SERVICE = 'essay-lifecycle-service';

/** One outbox row: the event's envelope (topic = its mapped topic) under `key`. */
export function outboxRow(
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
