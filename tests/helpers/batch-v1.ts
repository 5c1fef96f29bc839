import type { PersistedState } from '../../machines/index.ts';

/**
 * A batch snapshot as batch machine version 1 stored it: three essays registered, content of
 * an essay it does not expect (`zz`, provisioned before the registration), the spellcheck
 * phase under way with e2 failed.
 */
export function batchSnapshotV1(batchId: string): PersistedState {
  return {
    value: 'processing_pipelines',
    context: {
      batchId,
      expectedEssayIds: ['e1', 'e2', 'e3'],
      pipeline: ['spellcheck'],
      language: 'en',
      provisioned: { zz: 't-zz', e3: 't-e3', e1: 't-e1', e2: 't-e2' },
      phase: 'spellcheck',
      results: { e2: 'failed' },
      correlationId: 'c-1',
    },
  };
}
