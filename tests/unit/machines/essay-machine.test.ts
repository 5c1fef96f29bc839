import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import { type EssayEvent, essayMachine } from '../../../machines/index.ts';

function run(events: EssayEvent[]): AnyMachineSnapshot {
  let [s] = initialTransition(essayMachine, { essayId: 'e1', textStorageId: 't1', maxAttempts: 2 });
  for (const e of events) [s] = transition(essayMachine, s, e);
  return s as AnyMachineSnapshot;
}

const PIPELINE = ['spellcheck', 'metrics'];
const initiate = (phase: string, retry = false, pipeline = PIPELINE): EssayEvent => ({
  type: 'PHASE_INITIATED',
  phase,
  language: 'en',
  correlationId: null,
  pipeline,
  retry,
});
const initiated = initiate('spellcheck');
const retry = initiate('spellcheck', true);
const failedRound: EssayEvent[] = [
  initiated,
  { type: 'DISPATCH_PHASE', phase: 'spellcheck' },
  { type: 'PHASE_FAILED', phase: 'spellcheck', code: 'HULEEDU_NOT_FOUND', message: 'text missing' },
];
const spellchecked: EssayEvent[] = [
  initiated,
  { type: 'DISPATCH_PHASE', phase: 'spellcheck' },
  {
    type: 'PHASE_SUCCEEDED',
    phase: 'spellcheck',
    result: { correctedTextStorageId: 'c1', correctionsMade: 2 },
  },
];

describe('essay machine: retry', () => {
  it('a late or stray first-round command never restarts an essay that failed (bug: a second initiate re-requested it)', () => {
    const failed = run(failedRound);
    expect(failed.value).toBe('spellcheck_failed');
    expect(failed.can(initiated)).toBe(false);
    const concluded = run([...failedRound, { type: 'PHASE_CONCLUDED', phase: 'spellcheck' }]);
    expect(concluded.value).toBe('essay_partially_processed_with_failures');
    expect(concluded.can(initiated)).toBe(false);
  });

  it("a teacher's retry restarts a failed essay with a fresh count of attempts and no error", () => {
    for (const before of [
      run(failedRound),
      run([...failedRound, { type: 'PHASE_CONCLUDED', phase: 'spellcheck' }]),
    ]) {
      const [after, actions] = transition(essayMachine, before, retry);
      expect(after.value).toBe('awaiting_spellcheck');
      expect(after.context).toMatchObject({ attempts: 0, error: null });
      expect(actions.map((a) => a.type)).toContain('scheduleTimer');
    }
    expect(run([initiated]).can(retry)).toBe(false);
  });
});

describe('essay machine: phases in order', () => {
  it('a phase that is not the last leaves the essay waiting for the next; the next reads what the first left', () => {
    const after = run([...spellchecked, { type: 'PHASE_CONCLUDED', phase: 'spellcheck' }]);
    expect(after.value).toBe('spellchecked_success');
    const [awaiting] = transition(essayMachine, after, initiate('metrics'));
    expect(awaiting.value).toBe('awaiting_nlp');
    const [, actions] = transition(essayMachine, awaiting, {
      type: 'DISPATCH_PHASE',
      phase: 'metrics',
    });
    const request = actions.find((a) => a.type === 'requestPhaseWork');
    expect(request?.params).toMatchObject({
      phase: 'metrics',
      attempt: 1,
      results: { spellcheck: { correctedTextStorageId: 'c1', correctionsMade: 2 } },
    });
  });

  it("the next phase's command may overtake the previous phase's outcome, which is then ignored", () => {
    const s = run([
      ...spellchecked,
      initiate('metrics'),
      { type: 'DISPATCH_PHASE', phase: 'metrics' },
      { type: 'PHASE_CONCLUDED', phase: 'spellcheck' },
    ]);
    expect(s.value).toBe('nlp_processing_in_progress');
    const done = run([
      ...spellchecked,
      initiate('metrics'),
      { type: 'DISPATCH_PHASE', phase: 'metrics' },
      { type: 'PHASE_SUCCEEDED', phase: 'metrics', result: { words: 10 } },
      { type: 'PHASE_CONCLUDED', phase: 'metrics' },
    ]);
    expect(done.value).toBe('essay_all_processing_completed');
    expect(done.context.results).toEqual({
      spellcheck: { correctedTextStorageId: 'c1', correctionsMade: 2 },
      metrics: { words: 10 },
    });
  });

  it("the last phase's outcome concludes the essay: spellcheck alone (the original platform's pipeline)", () => {
    const s = run([
      initiate('spellcheck', false, ['spellcheck']),
      { type: 'DISPATCH_PHASE', phase: 'spellcheck' },
      {
        type: 'PHASE_SUCCEEDED',
        phase: 'spellcheck',
        result: { correctedTextStorageId: 'c1', correctionsMade: 0 },
      },
      { type: 'PHASE_CONCLUDED', phase: 'spellcheck' },
    ]);
    expect(s.value).toBe('essay_all_processing_completed');
  });

  it('timers and results of another phase are ignored (stale): each names its phase', () => {
    const s = run([
      ...spellchecked,
      initiate('metrics'),
      { type: 'DISPATCH_PHASE', phase: 'metrics' },
      { type: 'PHASE_TIMEOUT', phase: 'spellcheck', attempt: 1 },
      { type: 'PHASE_FAILED', phase: 'spellcheck', code: 'X', message: 'late' },
    ]);
    expect(s.value).toBe('nlp_processing_in_progress');
    expect(s.context.error).toBeNull();
    const timedOut = run([
      ...spellchecked,
      initiate('metrics'),
      { type: 'DISPATCH_PHASE', phase: 'metrics' },
      { type: 'PHASE_TIMEOUT', phase: 'metrics', attempt: 1 },
      { type: 'PHASE_TIMEOUT', phase: 'metrics', attempt: 2 },
    ]);
    expect(timedOut.value).toBe('nlp_failed');
    expect(timedOut.context.error).toEqual({
      code: 'HULEEDU_RESULT_TIMEOUT',
      message: 'no metrics result after 2 attempts',
    });
  });
});
