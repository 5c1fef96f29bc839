import { HuleEduError, isRetryable, type RetryPolicy } from '../../common-core/index.ts';
import { backoffDelay, sleep } from './backoff.ts';
import { DeliveryInterruptedError } from './delivery-interrupted-error.ts';

/** Thrown by `retry` when a retryable failure outlasts the policy: the last failure is its cause. */
export class RetriesExhaustedError extends HuleEduError {
  constructor(
    /** Attempts made, the first included. */
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      'HULEEDU_RETRIES_EXHAUSTED',
      `gave up after ${attempts} attempts: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'RetriesExhaustedError';
  }
}

export interface RetryOptions {
  /** Retries after the first attempt (`Infinity`: until it works or `signal` aborts) and their backoff. */
  policy: RetryPolicy;
  /** Whether a failure is worth another attempt; default `isRetryable` (the error's own flag). */
  retryable?: (error: unknown) => boolean;
  /** Aborted on shutdown: no further attempt, and `retry` throws `DeliveryInterruptedError`. */
  signal?: AbortSignal | undefined;
  /** Told of each failure about to be retried, before the wait (log it, hold leases). */
  onRetry?: (error: unknown, attempt: number) => void;
  /** After each wait, before the next attempt (a heartbeat that keeps a session alive). */
  beforeNextAttempt?: () => Promise<void>;
}

/**
 * Runs `attempt` until it succeeds. A failure that is not retryable is thrown as it is; a
 * retryable one is retried with capped exponential backoff (jittered) until the policy's retries
 * are used, then thrown as `RetriesExhaustedError`. `DeliveryInterruptedError` from the attempt,
 * or an abort of `signal` between attempts, ends it with `DeliveryInterruptedError`: the caller
 * leaves its work uncommitted for redelivery. The one retry loop of the platform: deliveries,
 * chunks, the spell checker's dependencies and both bridge directions use it.
 */
export async function retry<T>(
  attempt: (n: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const retryable = options.retryable ?? isRetryable;
  const { policy, signal } = options;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (error instanceof DeliveryInterruptedError) throw error;
      if (!retryable(error)) throw error;
      if (n > policy.maxRetries) throw new RetriesExhaustedError(n, error);
      options.onRetry?.(error, n);
      if (signal?.aborted) throw new DeliveryInterruptedError();
      await sleep(backoffDelay(policy, n), signal);
      if (signal?.aborted) throw new DeliveryInterruptedError();
      await options.beforeNextAttempt?.();
    }
  }
}
