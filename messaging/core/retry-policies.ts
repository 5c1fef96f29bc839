import type { RetryPolicy } from '../../common-core/index.ts';

/**
 * The backoffs of the messaging layer, each defined once. (A handler's own retries are its
 * consumer's `retry` option, `DEFAULT_RETRY_POLICY` by default.)
 */

/** A bridge writing to a broker that is away: retried until it is back or the bridge stops. */
export const BRIDGE_WRITE_RETRY: RetryPolicy = Object.freeze({
  maxRetries: Number.POSITIVE_INFINITY,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
});

/** The in-memory bus redelivering a chunk whose outcome was not durable (by failures in a row). */
export const MEMORY_REDELIVERY_BACKOFF: RetryPolicy = Object.freeze({
  maxRetries: 0,
  initialDelayMs: 50,
  maxDelayMs: 2_000,
});

/** JetStream's redelivery of a message whose delivery failed (by its delivery count). */
export const JETSTREAM_NAK_BACKOFF: RetryPolicy = Object.freeze({
  maxRetries: 0,
  initialDelayMs: 500,
  maxDelayMs: 10_000,
});
