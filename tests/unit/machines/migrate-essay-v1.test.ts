import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import {
  migrateEssayV1,
  upgradeEssayTimerEventV1,
} from '../../../machines/essay/migrate-essay-v1.ts';
import { MACHINE_DEFINITIONS } from '../../../machines/index.ts';

const v1Context = {
  essayId: 'e1',
  batchId: 'b1',
  textStorageId: 't1',
  pipeline: ['spellcheck'],
  language: 'en',
  correlationId: null,
  attempts: 1,
  maxAttempts: 3,
  resultTimeoutMs: 60_000,
  correctedTextStorageId: null,
  correctionsMade: null,
  error: null,
};

describe('essay snapshot version 1 -> 2', () => {
  it("moves spellcheck's result into results.spellcheck and names the phase", () => {
    const done = migrateEssayV1({
      value: 'spellchecked_success',
      context: { ...v1Context, correctedTextStorageId: 'c1', correctionsMade: 4 },
    });
    expect(done.context).toMatchObject({
      phase: 'spellcheck',
      results: { spellcheck: { correctedTextStorageId: 'c1', correctionsMade: 4 } },
    });
    expect(done.context).not.toHaveProperty('correctedTextStorageId');
    expect(done.context).not.toHaveProperty('correctionsMade');
    expect(
      migrateEssayV1({ value: 'ready_for_processing', context: v1Context }).context,
    ).toMatchObject({ phase: null, results: {} });
  });

  it('an essay in progress under version 1 goes on under version 2 with the timers version 1 armed', () => {
    const definition = MACHINE_DEFINITIONS.essay;
    const migrated = migrateEssayV1({ value: 'spellchecking_in_progress', context: v1Context });
    const state = definition.machine.resolveState(migrated);
    const timeout = upgradeEssayTimerEventV1({ type: 'SPELLCHECK_TIMEOUT', attempt: 1 });
    expect(timeout).toEqual({ type: 'PHASE_TIMEOUT', phase: 'spellcheck', attempt: 1 });
    const [after] = transition(definition.machine, state, timeout as never);
    expect(after.value).toBe('spellchecking_in_progress');
    expect(after.context.attempts).toBe(2);
    expect(upgradeEssayTimerEventV1({ type: 'DISPATCH_SPELLCHECK' })).toEqual({
      type: 'DISPATCH_PHASE',
      phase: 'spellcheck',
    });
    expect(definition.upgradeTimerEvent).toBe(upgradeEssayTimerEventV1);
  });
});
