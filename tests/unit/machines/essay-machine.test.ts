import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import { type EssayEvent, essayMachine } from '../../../machines/index.ts';

function run(events: EssayEvent[]): AnyMachineSnapshot {
  let [s] = initialTransition(essayMachine, { essayId: 'e1', textStorageId: 't1', maxAttempts: 2 });
  for (const e of events) [s] = transition(essayMachine, s, e);
  return s as AnyMachineSnapshot;
}

const initiated: EssayEvent = { type: 'SPELLCHECK_INITIATED', language: 'en', correlationId: null };
const retry: EssayEvent = { type: 'SPELLCHECK_RETRY', language: 'en', correlationId: null };
const failedRound: EssayEvent[] = [
  initiated,
  { type: 'DISPATCH_SPELLCHECK' },
  { type: 'SPELLCHECK_FAILED', code: 'HULEEDU_NOT_FOUND', message: 'text missing' },
];

describe('essay machine: retry', () => {
  it('a late or stray first-round command never restarts an essay that failed (bug: a second initiate re-requested it)', () => {
    const failed = run(failedRound);
    expect(failed.value).toBe('spellcheck_failed');
    expect(failed.can(initiated)).toBe(false);
    const concluded = run([...failedRound, { type: 'PIPELINE_CONCLUDED' }]);
    expect(concluded.value).toBe('essay_partially_processed_with_failures');
    expect(concluded.can(initiated)).toBe(false);
  });

  it("a teacher's retry restarts a failed essay with a fresh count of attempts and no error", () => {
    for (const before of [
      run(failedRound),
      run([...failedRound, { type: 'PIPELINE_CONCLUDED' }]),
    ]) {
      const [after, actions] = transition(essayMachine, before, retry);
      expect(after.value).toBe('awaiting_spellcheck');
      expect(after.context).toMatchObject({ attempts: 0, error: null });
      expect(actions.map((a) => a.type)).toContain('scheduleTimer');
    }
    expect(run([initiated]).can(retry)).toBe(false);
  });
});
