import { describe, expect, it } from 'vitest';
import {
  batchStatusEvent,
  essayStatusEvent,
  interpretEffects,
  SOURCE_SERVICE,
} from '../../../actors/runtime/effects.ts';
import {
  BatchLifecycleStateUpdatedV1Schema,
  BatchSpellcheckInitiateCommandV1Schema,
  decodeEnvelope,
  makeEnvelope,
  ProcessingEvent,
  topicName,
} from '../../../common-core/index.ts';

const cause = {
  actorType: 'batch',
  actorId: 'b1',
  eventId: 'cause-1',
  correlationId: '6a1f0c2e-4b7d-4c1e-9f3a-2d5e8b7c9a10',
  now: new Date('2026-12-01T00:00:00Z'),
  timestamp: '2026-12-01T00:00:00.000Z',
};

describe('requestPhase', () => {
  it("becomes the batch's spellcheck initiate command, keyed by the batch, with a derived id", () => {
    const params = {
      batchId: 'b1',
      phase: 'spellcheck',
      essays: [{ essay_id: 'e1', text_storage_id: 't1' }],
      language: 'en',
      correlationId: null,
    };
    const { outbox } = interpretEffects([{ type: 'requestPhase', params }], cause);
    expect(outbox).toHaveLength(1);
    const row = outbox[0] as (typeof outbox)[number];
    expect(row.topic).toBe(topicName(ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND));
    expect(row.key).toBe('b1');
    const env = decodeEnvelope(Buffer.from(row.payload), BatchSpellcheckInitiateCommandV1Schema);
    expect(env.data).toMatchObject({ batch_id: 'b1', essays_to_process: params.essays });
    expect(env.correlation_id).toBe(cause.correlationId);
    expect(interpretEffects([{ type: 'requestPhase', params }], cause).outbox[0]?.eventId).toBe(
      row.eventId,
    );
  });
});

describe('effect ids', () => {
  const spellcheck = (essayId: string) => ({
    type: 'requestSpellcheck',
    params: {
      essayId,
      batchId: 'b1',
      textStorageId: 't1',
      language: 'en',
      attempt: 1,
      correlationId: null,
    },
  });
  const outcome = {
    type: 'announceOutcome',
    params: {
      batchId: 'b1',
      phase: 'spellcheck',
      status: 'completed_successfully',
      processed: [],
      failed: [],
    },
  };
  const idsOf = (c: typeof cause) => [
    ...interpretEffects([spellcheck('e1'), spellcheck('e2'), outcome], c).outbox.map(
      (r) => r.eventId,
    ),
    batchStatusEvent('b1', null, 'x', c, 1).eventId,
    batchStatusEvent('b1', 'x', 'y', c, 2).eventId,
    essayStatusEvent('e1', 'b1', null, 'x', c, 3).eventId,
  ];

  it('are distinct per (cause, event): every event one cause emits has its own id', () => {
    const ids = idsOf(cause);
    expect(new Set(ids).size, `ids ${ids.join(', ')}`).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('are the same when the cause is applied again (a redelivery after a crash) and differ for another cause', () => {
    expect(idsOf({ ...cause })).toEqual(idsOf(cause));
    const other = idsOf({ ...cause, eventId: 'cause-2' });
    expect(other.filter((id) => idsOf(cause).includes(id))).toEqual([]);
    const otherActor = idsOf({ ...cause, actorId: 'b2' });
    expect(otherActor.filter((id) => idsOf(cause).includes(id))).toEqual([]);
  });
});

describe('batchStatusEvent', () => {
  it('is a valid batch status envelope keyed by the batch', () => {
    const row = batchStatusEvent('b1', 'processing_pipelines', 'cancelled', cause, 2);
    const env = decodeEnvelope(Buffer.from(row.payload), BatchLifecycleStateUpdatedV1Schema);
    expect(env.data).toMatchObject({
      batch_id: 'b1',
      from_status: 'processing_pipelines',
      to_status: 'cancelled',
      cause_event_id: 'cause-1',
    });
    expect(row.key).toBe('b1');
    expect(row.topic).toBe(topicName(ProcessingEvent.BATCH_LIFECYCLE_STATE_UPDATED));
  });
});

describe('essayStatusEvent', () => {
  // Strings that need escaping in JSON: quotes, backslashes, control characters, non-ASCII.
  const cases = [
    {
      essay: 'e1',
      batch: 'b1',
      from: 'awaiting_spellcheck',
      to: 'spellchecked_success',
      corr: 'c-1',
    },
    { essay: 'quote"back\\slash', batch: null, from: null, to: 'ready_for_processing', corr: null },
    { essay: 'tab\tnl\n\u0001\u001e', batch: 'é 漢字 😀', from: 'x', to: 'y', corr: '\u2028' },
  ];

  it.each(cases)('writes exactly JSON.stringify(makeEnvelope(...)) for $essay', (c) => {
    const now = new Date('2026-11-29T01:02:03.456Z');
    const cause = {
      actorType: 'essay',
      actorId: c.essay,
      eventId: `cause "${c.essay}"`,
      correlationId: c.corr,
      now,
      timestamp: now.toISOString(),
    };
    const row = essayStatusEvent(c.essay, c.batch, c.from, c.to, cause, 3);
    const expected = makeEnvelope({
      event: ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED,
      sourceService: SOURCE_SERVICE,
      correlationId: c.corr,
      eventId: row.eventId,
      timestamp: cause.timestamp,
      data: {
        event_name: ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED,
        timestamp: cause.timestamp,
        entity_ref: { entity_id: c.essay, entity_type: 'essay', parent_id: c.batch },
        batch_id: c.batch,
        from_status: c.from,
        to_status: c.to,
        cause_event_id: cause.eventId,
      },
    });
    expect(row.payload).toBe(JSON.stringify(expected));
    expect(row.topic).toBe(expected.event_type);
    expect(row.key).toBe(c.essay);
    // Derived from the cause: a re-applied cause yields the same (deduplicable) event.
    expect(essayStatusEvent(c.essay, c.batch, c.from, c.to, cause, 3).eventId).toBe(row.eventId);
  });
});
