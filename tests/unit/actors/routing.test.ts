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

  it("a phase's outcome concludes its failed essays, and its processed ones only when no phase follows", () => {
    const outcome = (next: string | null) =>
      routeMessage(
        message(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME, {
          event_name: ProcessingEvent.ELS_BATCH_PHASE_OUTCOME,
          entity_ref: { entity_id: 'b1', entity_type: 'batch', parent_id: null },
          batch_id: 'b1',
          phase_name: 'spellcheck',
          phase_status: 'completed_with_failures',
          processed_essays: [{ essay_id: 'e1', text_storage_id: 't1' }],
          failed_essay_ids: ['e2'],
          next_phase: next,
        }),
        defaults,
      ).map((d) => `${d.actorId}:${d.event.type}:${(d.event as { phase?: string }).phase}`);
    expect(outcome('metrics')).toEqual(['e2:PHASE_CONCLUDED:spellcheck']);
    expect(outcome(null)).toEqual([
      'e1:PHASE_CONCLUDED:spellcheck',
      'e2:PHASE_CONCLUDED:spellcheck',
    ]);
  });

  it("an essay's status in a phase's success or failed state is that phase's result to its batch", () => {
    const status = (to: string) =>
      routeMessage(
        message(ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED, {
          event_name: ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED,
          entity_ref: { entity_id: 'e1', entity_type: 'essay', parent_id: 'b1' },
          batch_id: 'b1',
          from_status: null,
          to_status: to,
          cause_event_id: 'x',
        }),
        defaults,
      ).map((d) => d.event);
    expect(status('nlp_success')).toEqual([
      { type: 'ESSAY_PHASE_CONCLUDED', essayId: 'e1', phase: 'metrics', outcome: 'success' },
    ]);
    expect(status('spellcheck_failed')).toEqual([
      { type: 'ESSAY_PHASE_CONCLUDED', essayId: 'e1', phase: 'spellcheck', outcome: 'failed' },
    ]);
    expect(status('awaiting_nlp')).toEqual([]);
  });

  it('a registration may name only registered phases, each once', () => {
    const registration = (pipeline: string[]) =>
      message(ProcessingEvent.BATCH_ESSAYS_REGISTERED, {
        event_name: ProcessingEvent.BATCH_ESSAYS_REGISTERED,
        entity_ref: { entity_id: 'b1', entity_type: 'batch', parent_id: null },
        batch_id: 'b1',
        expected_essay_count: 1,
        essay_ids: ['e1'],
        pipeline,
      });
    expect(routeMessage(registration(['spellcheck', 'metrics']), defaults)).toHaveLength(1);
    expect(routeMessage(registration(['metrics']), defaults)).toHaveLength(1);
    for (const bad of [['nlp'], ['spellcheck', 'spellcheck']])
      expect(() => routeMessage(registration(bad), defaults)).toThrow(InvalidPayloadError);
  });
});
