import type { PersistedState } from '../persistence.ts';

/** The context of essay machine version 1: spellcheck's result in two fields of its own. */
interface EssayContextV1 {
  correctedTextStorageId?: string | null;
  correctionsMade?: number | null;
  [key: string]: unknown;
}

/**
 * Essay snapshot version 1 -> 2. Version 1 knew one phase, spellcheck: the essay is in it (or
 * was) unless it is still ready for processing; its result moves to `results.spellcheck`.
 */
export function migrateEssayV1(snapshot: PersistedState): PersistedState {
  const { correctedTextStorageId, correctionsMade, ...rest } = snapshot.context as EssayContextV1;
  return {
    value: snapshot.value,
    context: {
      ...rest,
      phase: snapshot.value === 'ready_for_processing' ? null : 'spellcheck',
      results:
        typeof correctedTextStorageId === 'string'
          ? { spellcheck: { correctedTextStorageId, correctionsMade: correctionsMade ?? 0 } }
          : {},
    },
  };
}

/** Timer events version 1 armed (spellcheck's dispatch and result timeout), as version 2 names them. */
export function upgradeEssayTimerEventV1(
  event: { type: string } & Record<string, unknown>,
): { type: string } & Record<string, unknown> {
  if (event.type === 'DISPATCH_SPELLCHECK') return { type: 'DISPATCH_PHASE', phase: 'spellcheck' };
  if (event.type === 'SPELLCHECK_TIMEOUT')
    return { type: 'PHASE_TIMEOUT', phase: 'spellcheck', attempt: event.attempt };
  return event;
}
