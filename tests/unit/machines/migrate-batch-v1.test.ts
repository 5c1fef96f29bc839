import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, transition } from 'xstate';
import { migrateBatchV1 } from '../../../machines/batch/migrate-batch-v1.ts';
import { migrateBatchV2 } from '../../../machines/batch/migrate-batch-v2.ts';
import { type BatchContext, batchMachine } from '../../../machines/index.ts';
import { batchSnapshotV1 } from '../../helpers/batch-v1.ts';

describe('batch snapshot migration 1 -> 2', () => {
  it('turns the maps into arrays: expected essays only, results in the registered order', () => {
    expect(migrateBatchV1(batchSnapshotV1('b'))).toEqual({
      value: 'processing_pipelines',
      context: {
        batchId: 'b',
        expectedEssayIds: ['e1', 'e2', 'e3'],
        pipeline: ['spellcheck'],
        language: 'en',
        provisionedEssayIds: ['e3', 'e1', 'e2'],
        provisionedTextIds: ['t-e3', 't-e1', 't-e2'],
        phase: 'spellcheck',
        succeeded: [],
        failed: ['e2'],
        correlationId: 'c-1',
      },
    });
  });

  it('keeps all content of a batch not registered yet', () => {
    const v1 = batchSnapshotV1('b');
    const migrated = migrateBatchV1({
      value: 'awaiting_content_validation',
      context: { ...v1.context, expectedEssayIds: null, phase: null, results: {} },
    });
    expect(migrated.context).toMatchObject({
      expectedEssayIds: null,
      provisionedEssayIds: ['zz', 'e3', 'e1', 'e2'],
      succeeded: [],
      failed: [],
    });
  });

  it('a migrated snapshot goes on where it stopped: the outcome counts the result from before', () => {
    const { value, context } = migrateBatchV2(migrateBatchV1(batchSnapshotV1('b')));
    let state = batchMachine.resolveState({
      value,
      context: context as unknown as BatchContext,
    }) as AnyMachineSnapshot;
    const announced: unknown[] = [];
    for (const essayId of ['e3', 'e2', 'e1']) {
      const [next, actions] = transition(batchMachine, state, {
        type: 'ESSAY_PHASE_CONCLUDED',
        essayId,
        phase: 'spellcheck',
        outcome: 'success',
      });
      state = next;
      announced.push(...actions.filter((a) => a.type === 'announceOutcome').map((a) => a.params));
    }
    // e2's second result is not new: ignored.
    expect(state.value).toBe('completed_with_failures');
    expect(announced).toEqual([
      {
        batchId: 'b',
        phase: 'spellcheck',
        status: 'completed_with_failures',
        processed: [
          { essay_id: 'e1', text_storage_id: 't-e1' },
          { essay_id: 'e3', text_storage_id: 't-e3' },
        ],
        failed: ['e2'],
        nextPhase: null,
        correlationId: 'c-1',
      },
    ]);
  });
});
