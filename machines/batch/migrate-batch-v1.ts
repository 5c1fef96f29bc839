import type { PersistedState } from '../persistence.ts';

/** The context of batch machine version 1: per-essay maps keyed by essay id. */
interface BatchContextV1 {
  expectedEssayIds: string[] | null;
  provisioned?: Record<string, string>;
  results?: Record<string, 'success' | 'failed'>;
  [key: string]: unknown;
}

/**
 * Batch snapshot version 1 -> 2: the `provisioned` and `results` maps become the arrays of
 * version 2 (`provisionedEssayIds`/`provisionedTextIds`, `succeeded`/`failed`). Once the batch
 * is registered, version 2 keeps only expected essays, each once, so content of other essays
 * and duplicate expected ids are dropped here as version 2's registration drops them.
 */
export function migrateBatchV1(snapshot: PersistedState): PersistedState {
  const { provisioned = {}, results = {}, ...rest } = snapshot.context as BatchContextV1;
  const expected = rest.expectedEssayIds === null ? null : [...new Set(rest.expectedEssayIds)];
  const wanted = expected === null ? null : new Set(expected);
  const texts = Object.entries(provisioned).filter(([id]) => wanted === null || wanted.has(id));
  // Results of expected essays only (version 1 recorded no others), in the registered order.
  const outcome = (o: 'success' | 'failed') => (expected ?? []).filter((id) => results[id] === o);
  return {
    value: snapshot.value,
    context: {
      ...rest,
      expectedEssayIds: expected,
      provisionedEssayIds: texts.map(([id]) => id),
      provisionedTextIds: texts.map(([, text]) => text),
      succeeded: outcome('success'),
      failed: outcome('failed'),
    },
  };
}
