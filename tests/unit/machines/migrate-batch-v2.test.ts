import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, transition } from 'xstate';
import { migrateBatchV2 } from '../../../machines/batch/migrate-batch-v2.ts';
import { type BatchContext, batchMachine } from '../../../machines/index.ts';

const v2 = (value: string, failed: string[], succeeded: string[]) => ({
  value,
  context: {
    batchId: 'b',
    expectedEssayIds: ['e1', 'e2'],
    pipeline: ['spellcheck'],
    language: 'en',
    provisionedEssayIds: ['e1', 'e2'],
    provisionedTextIds: ['t1', 't2'],
    phase: 'spellcheck',
    succeeded,
    failed,
    correlationId: null,
  },
});

describe('batch snapshot version 2 -> 3', () => {
  it('a batch in its phase counts against every expected essay, as version 2 did', () => {
    const { context } = migrateBatchV2(v2('processing_pipelines', [], ['e1']));
    expect(context).toMatchObject({
      phaseEssayIds: ['e1', 'e2'],
      succeeded: ['e1'],
      failed: [],
      droppedIds: [],
      retryRound: false,
    });
  });

  it("a concluded batch's failed essays left the pipeline at its phase: a retry finds them", () => {
    const migrated = migrateBatchV2(v2('completed_with_failures', ['e2'], ['e1']));
    expect(migrated.context).toMatchObject({
      failed: [],
      droppedIds: ['e2'],
      droppedAt: ['spellcheck'],
    });
    const state = batchMachine.resolveState({
      value: migrated.value,
      context: migrated.context as unknown as BatchContext,
    }) as AnyMachineSnapshot;
    const [after, actions] = transition(batchMachine, state, {
      type: 'RETRY_REQUESTED',
      correlationId: null,
    });
    expect(after.value).toBe('processing_pipelines');
    expect(actions.find((a) => a.type === 'requestPhase')?.params).toMatchObject({
      phase: 'spellcheck',
      essays: [{ essay_id: 'e2', text_storage_id: 't2' }],
      retry: true,
    });
  });
});
