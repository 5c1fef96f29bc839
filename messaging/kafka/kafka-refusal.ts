/** Broker answers that say "this record, never": retrying the same bytes cannot succeed. */
const REFUSALS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD']);

/**
 * Whether Kafka refused the records themselves (found anywhere in the error's cause chain).
 * Not "not retriable" in general: kafkajs also marks "retries exhausted while the broker was
 * away" so, and dead-lettering on that lost messages to the DLT during an outage (CI caught it).
 */
export function refusedForGood(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 8) return false;
  const e = error as { type?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.type === 'string' && REFUSALS.has(e.type)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => refusedForGood(x, depth + 1))) return true;
  return refusedForGood(e.cause, depth + 1);
}
