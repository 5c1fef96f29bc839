/**
 * The first error in `error`'s chain — itself, then its `cause`, its cause's cause, and the
 * members of an `errors` list (AggregateError, kafkajs' retry errors) — that `matches`, or
 * undefined. Drivers wrap what they throw (drizzle wraps node-postgres, kafkajs wraps broker
 * answers), so a caller asking "was this a key violation?" must look down the chain. Walks at
 * most `maxDepth` levels: a cycle of causes ends there.
 */
export function findCause(
  error: unknown,
  matches: (candidate: object) => boolean,
  maxDepth = 10,
): object | undefined {
  if (error === null || typeof error !== 'object' || maxDepth < 0) return undefined;
  if (matches(error)) return error;
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  if (Array.isArray(errors))
    for (const member of errors) {
      const found = findCause(member, matches, maxDepth - 1);
      if (found) return found;
    }
  return findCause(cause, matches, maxDepth - 1);
}
