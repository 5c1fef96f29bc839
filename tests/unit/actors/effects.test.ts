import { describe, expect, it } from 'vitest';
import { BATCH_EFFECTS, batchStatusEvent } from '../../../actors/batch/batch-effects.ts';
import { ESSAY_EFFECTS, essayStatusEvent } from '../../../actors/essay/essay-effects.ts';
import { SOURCE_SERVICE } from '../../../actors/lifecycle/outbox-row.ts';
import {
  type EffectCause,
  type EffectInterpreter,
  interpretEffects as interpretWith,
  type RecordedAction,
} from '../../../actors/runtime/effect-interpreter.ts';
import {
  BatchEssaysReadyV1Schema,
  BatchLifecycleStateUpdatedV1Schema,
  BatchNlpInitiateCommandV1Schema,
  BatchPhaseOutcomeV1Schema,
  BatchSpellcheckInitiateCommandV1Schema,
  decodeEnvelope,
  EssayLifecycleStateUpdatedV1Schema,
  makeEnvelope,
  ProcessingEvent,
  SpellcheckRequestedDataV1Schema,
  TextMetricsRequestedDataV1Schema,
  topicName,
} from '../../../common-core/index.ts';

/** Both lifecycle actor types' effects at once: each interprets only its own actions. */
const LIFECYCLE: EffectInterpreter = {
  rows: (action, c, next) => [
    ...ESSAY_EFFECTS.rows(action, c, next),
    ...BATCH_EFFECTS.rows(action, c, next),
  ],
};
const interpretEffects = (actions: readonly RecordedAction[], c: EffectCause) =>
  interpretWith(actions, c, LIFECYCLE);

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
      retry: false,
      pipeline: ['spellcheck', 'metrics'],
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
    type: 'requestPhaseWork',
    params: {
      phase: 'spellcheck',
      results: {},
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

  it('status events of one cause differ by their position', () => {
    expect(essayStatusEvent('e1', 'b1', null, 'x', cause, 1).eventId).not.toBe(
      essayStatusEvent('e1', 'b1', null, 'x', cause, 2).eventId,
    );
  });

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

describe('each effect action as its outbox row (the whole envelope)', () => {
  type Cause = Omit<typeof cause, 'correlationId'> & { correlationId: string | null };
  const essayCause: Cause = { ...cause, actorType: 'essay', actorId: 'e1', correlationId: null };
  const only = (action: { type: string; params?: unknown }, c: Cause = essayCause) => {
    const { outbox, timersSet, timersCancelled } = interpretEffects([action], c);
    expect(outbox).toHaveLength(1);
    expect([timersSet, timersCancelled]).toEqual([[], []]);
    const row = outbox[0] as (typeof outbox)[number];
    const env = JSON.parse(row.payload) as Record<string, unknown> & {
      data: Record<string, unknown>;
    };
    expect(env.event_id).toBe(row.eventId);
    expect(env.source_service).toBe(SOURCE_SERVICE);
    expect(env.event_timestamp).toBe(c.timestamp);
    expect(row.topic).toBe(env.event_type);
    return { row, env };
  };

  it('requestPhaseWork (spellcheck): the spellcheck request of the essay, keyed by it, with its attempt as a header', () => {
    const { row, env } = only({
      type: 'requestPhaseWork',
      params: {
        phase: 'spellcheck',
        results: {},
        essayId: 'e1',
        batchId: 'b1',
        textStorageId: 't1',
        language: 'sv',
        attempt: 2,
        correlationId: 'c0ffee00-0000-4000-8000-000000000001',
      },
    });
    expect(row.topic).toBe(topicName(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED));
    expect(row.key).toBe('e1');
    expect(row.headers).toEqual({ 'huleedu-attempt': '2' });
    expect(env.correlation_id).toBe('c0ffee00-0000-4000-8000-000000000001');
    const entity = { entity_id: 'e1', entity_type: 'essay', parent_id: 'b1' };
    expect(env.data).toEqual({
      event_name: ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED,
      timestamp: essayCause.timestamp,
      entity_ref: entity,
      status: 'awaiting_spellcheck',
      system_metadata: {
        entity,
        timestamp: essayCause.timestamp,
        processing_stage: 'pending',
        event: ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED,
        started_at: null,
        completed_at: null,
        error_info: {},
      },
      text_storage_id: 't1',
      language: 'sv',
    });
    expect(() =>
      decodeEnvelope(Buffer.from(row.payload), SpellcheckRequestedDataV1Schema),
    ).not.toThrow();
  });

  it("requestPhaseWork (metrics): the text-metrics request reads the spellcheck's corrected text and count", () => {
    const params = {
      phase: 'metrics',
      essayId: 'e1',
      batchId: 'b1',
      textStorageId: 't1',
      language: 'en',
      attempt: 1,
      correlationId: null,
      results: { spellcheck: { correctedTextStorageId: 'c1', correctionsMade: 3 } },
    };
    const { row, env } = only({ type: 'requestPhaseWork', params });
    expect(row.topic).toBe(topicName(ProcessingEvent.ESSAY_NLP_REQUESTED));
    expect(row.key).toBe('e1');
    const decoded = decodeEnvelope(Buffer.from(row.payload), TextMetricsRequestedDataV1Schema);
    expect(decoded.data).toMatchObject({
      status: 'awaiting_nlp',
      text_storage_id: 'c1',
      corrections_made: 3,
    });
    expect(env.data).toMatchObject({ event_name: ProcessingEvent.ESSAY_NLP_REQUESTED });
    // Without spellcheck before it: the text as written, no count.
    const alone = only({ type: 'requestPhaseWork', params: { ...params, results: {} } });
    expect(alone.env.data).toMatchObject({ text_storage_id: 't1', corrections_made: null });
  });

  it("announceReady: the batch's readiness with its essays, keyed by the batch, the cause's correlation id", () => {
    const essays = [{ essay_id: 'e1', text_storage_id: 't1' }];
    const { row, env } = only(
      {
        type: 'announceReady',
        params: { batchId: 'b1', essays, correlationId: null },
      },
      cause,
    );
    expect(row.topic).toBe(topicName(ProcessingEvent.BATCH_ESSAYS_READY));
    expect(row.key).toBe('b1');
    expect(row.headers).toEqual({});
    expect(env.correlation_id).toBe(cause.correlationId);
    expect(env.data).toEqual({
      event_name: ProcessingEvent.BATCH_ESSAYS_READY,
      timestamp: cause.timestamp,
      entity_ref: { entity_id: 'b1', entity_type: 'batch', parent_id: null },
      batch_id: 'b1',
      ready_essays: essays,
    });
    expect(() => decodeEnvelope(Buffer.from(row.payload), BatchEssaysReadyV1Schema)).not.toThrow();
  });

  it("announceOutcome: the phase's outcome with processed and failed essays, keyed by the batch", () => {
    const processed = [{ essay_id: 'e1', text_storage_id: 't9' }];
    const { row, env } = only(
      {
        type: 'announceOutcome',
        params: {
          batchId: 'b1',
          phase: 'spellcheck',
          status: 'completed_with_failures',
          processed,
          failed: ['e2'],
          nextPhase: 'metrics',
          correlationId: 'c0ffee00-0000-4000-8000-000000000002',
        },
      },
      cause,
    );
    expect(row.topic).toBe(topicName(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME));
    expect(row.key).toBe('b1');
    expect(env.correlation_id).toBe('c0ffee00-0000-4000-8000-000000000002');
    expect(env.data).toEqual({
      event_name: ProcessingEvent.ELS_BATCH_PHASE_OUTCOME,
      timestamp: cause.timestamp,
      entity_ref: { entity_id: 'b1', entity_type: 'batch', parent_id: null },
      batch_id: 'b1',
      phase_name: 'spellcheck',
      phase_status: 'completed_with_failures',
      processed_essays: processed,
      failed_essay_ids: ['e2'],
      next_phase: 'metrics',
    });
    expect(() => decodeEnvelope(Buffer.from(row.payload), BatchPhaseOutcomeV1Schema)).not.toThrow();
  });

  it("requestPhase: the phase's initiate command carries language, retry and the pipeline; an unregistered phase is a programming error", () => {
    const params = {
      batchId: 'b1',
      phase: 'spellcheck',
      essays: [{ essay_id: 'e1', text_storage_id: 't1' }],
      language: 'sv',
      retry: true,
      correlationId: null,
      pipeline: ['spellcheck', 'metrics'],
    };
    const { env } = only({ type: 'requestPhase', params }, cause);
    expect(env.data).toEqual({
      event_name: ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND,
      timestamp: cause.timestamp,
      entity_ref: { entity_id: 'b1', entity_type: 'batch', parent_id: null },
      batch_id: 'b1',
      essays_to_process: params.essays,
      language: 'sv',
      retry: true,
      pipeline: ['spellcheck', 'metrics'],
    });
    const metrics = only({ type: 'requestPhase', params: { ...params, phase: 'metrics' } }, cause);
    expect(metrics.row.topic).toBe(topicName(ProcessingEvent.BATCH_NLP_INITIATE_COMMAND));
    expect(() =>
      decodeEnvelope(Buffer.from(metrics.row.payload), BatchNlpInitiateCommandV1Schema),
    ).not.toThrow();
    expect(() =>
      interpretEffects([{ type: 'requestPhase', params: { ...params, phase: 'nlp' } }], cause),
    ).toThrow('no registered phase nlp');
  });

  it('timers are set and cancelled in order; built-in actions write nothing', () => {
    const set = { key: 'k', delayMs: 5, event: { type: 'TIMEOUT' } };
    expect(
      interpretEffects(
        [
          { type: 'xstate.assign' },
          { type: 'scheduleTimer', params: set },
          { type: 'cancelTimer', params: { key: 'j' } },
        ],
        cause,
      ),
    ).toEqual({ outbox: [], timersSet: [set], timersCancelled: [{ key: 'j' }] });
  });

  it('essay status: from, to, batch and cause in the envelope; no batch is null', () => {
    const row = essayStatusEvent('e1', null, null, 'ready_for_processing', essayCause, 1);
    expect(row.key).toBe('e1');
    expect(row.headers).toEqual({});
    const env = decodeEnvelope(Buffer.from(row.payload), EssayLifecycleStateUpdatedV1Schema);
    expect(env.data).toMatchObject({
      batch_id: null,
      from_status: null,
      to_status: 'ready_for_processing',
      cause_event_id: 'cause-1',
      entity_ref: { entity_id: 'e1', entity_type: 'essay', parent_id: null },
    });
    expect(env.event_id).toBe(row.eventId);
  });
});
