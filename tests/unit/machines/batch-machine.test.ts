import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import { type BatchEvent, batchMachine } from '../../../machines/index.ts';

function run(events: BatchEvent[]) {
  let [s] = initialTransition(batchMachine, { batchId: 'b' });
  const effects: { type: string; params: unknown }[] = [];
  for (const e of events) {
    const [next, actions] = transition(batchMachine, s, e);
    s = next;
    for (const a of actions)
      if (a.type.startsWith('announce') || a.type === 'requestPhase')
        effects.push({ type: a.type, params: a.params });
  }
  return { state: s as AnyMachineSnapshot, effects };
}

const registered: BatchEvent = {
  type: 'BATCH_REGISTERED',
  essayIds: ['e1', 'e2', 'e3'],
  pipeline: ['spellcheck'],
  language: 'en',
  correlationId: null,
};
const prov = (id: string): BatchEvent => ({
  type: 'ESSAY_PROVISIONED',
  essayId: id,
  textStorageId: `t-${id}`,
});
const done = (id: string, outcome: 'success' | 'failed', phase = 'spellcheck'): BatchEvent => ({
  type: 'ESSAY_PHASE_CONCLUDED',
  essayId: id,
  phase,
  outcome,
});
const initiate: BatchEvent = { type: 'PHASE_INITIATED', phase: 'spellcheck', correlationId: null };

describe('batch machine', () => {
  it('becomes ready in any arrival order, announcing once', () => {
    const orders: BatchEvent[][] = [
      [registered, prov('e1'), prov('e2'), prov('e3')],
      [prov('e1'), prov('e2'), prov('e3'), registered],
      [prov('e2'), registered, prov('e3'), prov('e1')],
      [prov('e3'), prov('e1'), registered, prov('e1'), prov('e2')],
    ];
    for (const order of orders) {
      const { state, effects } = run(order);
      expect(state.value).toBe('ready_for_pipeline_execution');
      expect(effects.map((e) => e.type)).toEqual(['announceReady', 'requestPhase']);
    }
  });

  it('requests the first phase of its pipeline itself once ready, for every essay, in order', () => {
    const { effects } = run([
      prov('e3'),
      { ...registered, language: 'sv' },
      prov('e1'),
      prov('e2'),
    ]);
    expect(effects[1]).toEqual({
      type: 'requestPhase',
      params: {
        batchId: 'b',
        phase: 'spellcheck',
        essays: ['e1', 'e2', 'e3'].map((id) => ({ essay_id: id, text_storage_id: `t-${id}` })),
        language: 'sv',
        correlationId: null,
        retry: false,
        pipeline: ['spellcheck'],
      },
    });
  });

  it('announces the phase outcome exactly once, with duplicates and any result order', () => {
    const base = [registered, prov('e1'), prov('e2'), prov('e3'), initiate];
    const { state, effects } = run([
      ...base,
      done('e2', 'failed'),
      done('e2', 'failed'),
      done('e3', 'success'),
      done('e1', 'success'),
      done('e1', 'success'),
      done('e3', 'success'),
    ]);
    expect(state.value).toBe('completed_with_failures');
    const outcomes = effects.filter((e) => e.type === 'announceOutcome');
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.params).toMatchObject({
      status: 'completed_with_failures',
      failed: ['e2'],
    });
  });

  it('all succeed -> completed_successfully; all fail -> failed_critically', () => {
    const base = [registered, prov('e1'), prov('e2'), prov('e3'), initiate];
    expect(
      run([...base, done('e1', 'success'), done('e2', 'success'), done('e3', 'success')]).state
        .value,
    ).toBe('completed_successfully');
    expect(
      run([...base, done('e1', 'failed'), done('e2', 'failed'), done('e3', 'failed')]).state.value,
    ).toBe('failed_critically');
  });

  it('ignores results of unknown essays and content of essays it does not expect', () => {
    const { state } = run([
      registered,
      prov('zz'),
      prov('e1'),
      prov('e2'),
      prov('e3'),
      initiate,
      done('zz', 'success'),
    ]);
    expect(state.value).toBe('processing_pipelines');
    expect(state.context.provisionedEssayIds).toEqual(['e1', 'e2', 'e3']);
    expect(state.context.succeeded).toEqual([]);
    expect(state.context.failed).toEqual([]);
  });

  it('drops content of other essays at registration, counts a repeated essay id once, and announces the latest text of re-provisioned content', () => {
    const { state, effects } = run([
      prov('zz'),
      prov('e1'),
      { ...registered, essayIds: ['e1', 'e2', 'e2', 'e3'] },
      { type: 'ESSAY_PROVISIONED', essayId: 'e1', textStorageId: 't-e1-again' },
      prov('e2'),
      prov('e3'),
    ]);
    expect(state.value).toBe('ready_for_pipeline_execution');
    expect(state.context.expectedEssayIds).toEqual(['e1', 'e2', 'e3']);
    const essays = [
      { essay_id: 'e1', text_storage_id: 't-e1-again' },
      { essay_id: 'e2', text_storage_id: 't-e2' },
      { essay_id: 'e3', text_storage_id: 't-e3' },
    ];
    expect(effects).toEqual([
      { type: 'announceReady', params: { batchId: 'b', correlationId: null, essays } },
      {
        type: 'requestPhase',
        params: {
          batchId: 'b',
          phase: 'spellcheck',
          essays,
          language: 'en',
          correlationId: null,
          retry: false,
          pipeline: ['spellcheck'],
        },
      },
    ]);
  });

  it('reports processed and failed essays in the registered order, whatever the result order', () => {
    const { effects } = run([
      registered,
      prov('e3'),
      prov('e2'),
      prov('e1'),
      initiate,
      done('e3', 'success'),
      done('e2', 'failed'),
      done('e1', 'success'),
    ]);
    expect(effects.at(-1)?.params).toMatchObject({
      processed: [
        { essay_id: 'e1', text_storage_id: 't-e1' },
        { essay_id: 'e3', text_storage_id: 't-e3' },
      ],
      failed: ['e2'],
    });
  });
});

describe('batch machine: a pipeline of phases', () => {
  const twoPhases: BatchEvent = { ...registered, pipeline: ['spellcheck', 'metrics'] };
  const ready = [twoPhases, prov('e1'), prov('e2'), prov('e3'), initiate];
  const requested = (effects: { type: string; params: unknown }[]) =>
    effects
      .filter((e) => e.type === 'requestPhase')
      .map((e) => {
        const p = e.params as { phase: string; essays: { essay_id: string }[]; retry: boolean };
        return { phase: p.phase, essays: p.essays.map((x) => x.essay_id), retry: p.retry };
      });
  const outcomes = (effects: { type: string; params: unknown }[]) =>
    effects
      .filter((e) => e.type === 'announceOutcome')
      .map((e) => {
        const p = e.params as { phase: string; status: string; failed: string[] };
        return [p.phase, p.status, p.failed];
      });

  it("announces each phase's outcome and runs the next phase for the essays that passed", () => {
    const { state, effects } = run([
      ...ready,
      done('e2', 'failed'),
      done('e1', 'success'),
      done('e3', 'success'),
      done('e3', 'success', 'metrics'),
      done('e1', 'success', 'metrics'),
    ]);
    expect(requested(effects)).toEqual([
      { phase: 'spellcheck', essays: ['e1', 'e2', 'e3'], retry: false },
      { phase: 'metrics', essays: ['e1', 'e3'], retry: false },
    ]);
    expect(outcomes(effects)).toEqual([
      ['spellcheck', 'completed_with_failures', ['e2']],
      ['metrics', 'completed_successfully', []],
    ]);
    // e2 left the pipeline at spellcheck: the batch completed with failures.
    expect(state.value).toBe('completed_with_failures');
    expect(state.context).toMatchObject({ droppedIds: ['e2'], droppedAt: ['spellcheck'] });
    // Each command tells the essays the whole pipeline (so they know their last phase).
    for (const e of effects.filter((x) => x.type === 'requestPhase'))
      expect((e.params as { pipeline: string[] }).pipeline).toEqual(['spellcheck', 'metrics']);
  });

  it('ignores a result of another phase, and concludes at once when no essay passed a phase', () => {
    const { state, effects } = run([
      ...ready,
      done('e1', 'success', 'metrics'),
      done('e1', 'failed'),
      done('e2', 'failed'),
      done('e3', 'failed'),
    ]);
    expect(state.value).toBe('failed_critically');
    expect(requested(effects).map((r) => r.phase)).toEqual(['spellcheck']);
    expect(outcomes(effects)).toEqual([['spellcheck', 'failed_critically', ['e1', 'e2', 'e3']]]);
  });

  it("a teacher's retry takes each failed essay up again from the phase it failed", () => {
    const { state, effects } = run([
      ...ready,
      done('e1', 'failed'),
      done('e2', 'success'),
      done('e3', 'success'),
      done('e2', 'success', 'metrics'),
      done('e3', 'failed', 'metrics'),
      { type: 'RETRY_REQUESTED', correlationId: null },
      done('e1', 'success'),
      done('e1', 'success', 'metrics'),
      done('e3', 'success', 'metrics'),
    ]);
    expect(requested(effects)).toEqual([
      { phase: 'spellcheck', essays: ['e1', 'e2', 'e3'], retry: false },
      { phase: 'metrics', essays: ['e2', 'e3'], retry: false },
      // The retry: e1 from spellcheck; then e1 and e3 (which failed metrics) through metrics.
      { phase: 'spellcheck', essays: ['e1'], retry: true },
      { phase: 'metrics', essays: ['e1', 'e3'], retry: true },
    ]);
    expect(outcomes(effects)).toEqual([
      ['spellcheck', 'completed_with_failures', ['e1']],
      ['metrics', 'completed_with_failures', ['e3']],
      ['spellcheck', 'completed_successfully', []],
      ['metrics', 'completed_successfully', []],
    ]);
    expect(state.value).toBe('completed_successfully');
    expect(state.context).toMatchObject({ droppedIds: [], droppedAt: [], retryRound: false });
  });

  it('a retry of essays that failed only a later phase starts at that phase', () => {
    const { state, effects } = run([
      ...ready,
      done('e1', 'success'),
      done('e2', 'success'),
      done('e3', 'success'),
      done('e1', 'success', 'metrics'),
      done('e2', 'success', 'metrics'),
      done('e3', 'failed', 'metrics'),
      { type: 'RETRY_REQUESTED', correlationId: null },
      done('e3', 'failed', 'metrics'),
    ]);
    expect(requested(effects).at(-1)).toEqual({ phase: 'metrics', essays: ['e3'], retry: true });
    expect(state.value).toBe('completed_with_failures');
    expect(state.context).toMatchObject({ droppedIds: ['e3'], droppedAt: ['metrics'] });
  });
});
