import type { PersistedState } from '../persistence.ts';

/** The context of batch machine version 2: one phase, results counted against every expected essay. */
interface BatchContextV2 {
  expectedEssayIds: string[] | null;
  phase: string | null;
  failed: string[];
  [key: string]: unknown;
}

const CONCLUDED_WITH_FAILURES = new Set(['completed_with_failures', 'failed_critically']);

/**
 * Batch snapshot version 2 -> 3. Version 2 ran one phase for every expected essay: those are the
 * phase's essays; in a concluded batch with failures, the failed essays left the pipeline at
 * that phase (version 3 keeps them in `droppedIds`, where a retry finds them).
 */
export function migrateBatchV2(snapshot: PersistedState): PersistedState {
  const context = snapshot.context as BatchContextV2;
  const concluded = CONCLUDED_WITH_FAILURES.has(snapshot.value);
  const failed = context.failed ?? [];
  return {
    value: snapshot.value,
    context: {
      ...context,
      phaseEssayIds: context.expectedEssayIds ?? [],
      failed: concluded ? [] : failed,
      droppedIds: concluded ? failed : [],
      droppedAt: concluded ? failed.map(() => context.phase ?? 'spellcheck') : [],
      retryRound: false,
    },
  };
}
