import { findCause } from '../../common-core/index.ts';

/** Broker answers that say "this record, never": retrying the same bytes cannot succeed. */
const REFUSALS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD']);

/**
 * Whether Kafka refused the records themselves (found anywhere in the error's cause chain).
 * Not "not retriable" in general: kafkajs also marks "retries exhausted while the broker was
 * away" so, and dead-lettering on that lost messages to the DLT during an outage (CI caught it).
 */
export function refusedForGood(error: unknown): boolean {
  return (
    findCause(error, (e) => {
      const type = (e as { type?: unknown }).type;
      return typeof type === 'string' && REFUSALS.has(type);
    }) !== undefined
  );
}
