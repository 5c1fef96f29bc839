import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BATCH_ROUTES } from '../../../actors/batch/batch-routes.ts';
import { ESSAY_ROUTES } from '../../../actors/essay/essay-routes.ts';
import { LIFECYCLE_TOPICS, routeMessage } from '../../../actors/lifecycle/router.ts';
import { buildRouter, topicRoute } from '../../../actors/lifecycle/routing.ts';
import {
  encodeEnvelope,
  InvalidPayloadError,
  makeEnvelope,
  ProcessingEvent,
  topicName,
} from '../../../common-core/index.ts';

const defaults = { maxAttempts: 3, resultTimeoutMs: 1000 };
const message = (event: ProcessingEvent, data: Record<string, unknown>) => ({
  topic: topicName(event),
  partition: 0,
  offset: '0',
  key: null,
  headers: {},
  timestamp: 0,
  value: Buffer.from(
    encodeEnvelope(makeEnvelope({ event, sourceService: 'test', correlationId: null, data })),
  ),
});

describe('the lifecycle routing table', () => {
  it('consumes exactly the topics the registered actor types route', () => {
    const routed = new Set([...BATCH_ROUTES, ...ESSAY_ROUTES].map((r) => topicName(r.event)));
    expect(new Set(LIFECYCLE_TOPICS)).toEqual(routed);
    expect(LIFECYCLE_TOPICS).toHaveLength(routed.size);
  });

  it('decodes a shared topic once and delivers to each type, in registration order', () => {
    const deliveries = routeMessage(
      message(ProcessingEvent.ESSAY_CONTENT_PROVISIONED, {
        event_name: ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
        entity_ref: { entity_id: 'e1', entity_type: 'essay', parent_id: 'b1' },
        batch_id: 'b1',
        text_storage_id: 't1',
        original_file_name: 'e1.txt',
        file_size_bytes: 10,
      }),
      defaults,
    );
    expect(deliveries.map((d) => `${d.actorType}:${d.actorId}:${d.event.type}`)).toEqual([
      'batch:b1:ESSAY_PROVISIONED',
      'essay:e1:CONTENT_PROVISIONED',
    ]);
  });

  it('refuses a topic no type takes, and types that disagree on a topic schema', () => {
    expect(() =>
      routeMessage({ ...message(ProcessingEvent.BATCH_CANCEL_COMMAND, {}), topic: 'x' }, defaults),
    ).toThrow(InvalidPayloadError);
    const a = topicRoute({
      event: ProcessingEvent.BATCH_CANCEL_COMMAND,
      data: z.object({}),
      deliveries: () => [],
    });
    const b = topicRoute({
      event: ProcessingEvent.BATCH_CANCEL_COMMAND,
      data: z.object({}),
      deliveries: () => [],
    });
    expect(() => buildRouter([a, b])).toThrow(/disagree on its data schema/);
  });
});
