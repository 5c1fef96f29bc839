import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError, HuleEduError } from '../../../common-core/index.ts';
import {
  DeliveryInterruptedError,
  RetriesExhaustedError,
  retry,
} from '../../../messaging/index.ts';

const quick = { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 2 };
const down = () => new DependencyUnavailableError('content service down');

describe('retry', () => {
  it('retries a retryable failure until the attempt works, with a heartbeat between waits', async () => {
    const seen: string[] = [];
    const value = await retry(
      async (n) => {
        seen.push(`attempt ${n}`);
        if (n < 3) throw down();
        return 'done';
      },
      {
        policy: quick,
        onRetry: (_error, n) => seen.push(`failed ${n}`),
        beforeNextAttempt: async () => {
          seen.push('heartbeat');
        },
      },
    );
    expect(value).toBe('done');
    expect(seen).toEqual([
      'attempt 1',
      'failed 1',
      'heartbeat',
      'attempt 2',
      'failed 2',
      'heartbeat',
      'attempt 3',
    ]);
  });

  it('throws a failure that is not retryable at once, as it is', async () => {
    let calls = 0;
    const bad = new HuleEduError('HULEEDU_INVALID_PAYLOAD', 'no');
    await expect(
      retry(
        async () => {
          calls++;
          throw bad;
        },
        { policy: quick },
      ),
    ).rejects.toBe(bad);
    expect(calls).toBe(1);
  });

  it('gives up after the policy with RetriesExhaustedError: attempts counted, last failure its cause', async () => {
    let calls = 0;
    const last = down();
    const error = await retry(
      async () => {
        calls++;
        throw last;
      },
      { policy: quick },
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error).toMatchObject({ code: 'HULEEDU_RETRIES_EXHAUSTED', attempts: 4, cause: last });
    expect((error as Error).message).toBe('gave up after 4 attempts: content service down');
  });

  it('a caller may decide what is retryable (a bridge retries every write while it runs)', async () => {
    let calls = 0;
    await retry(
      async () => {
        calls++;
        if (calls < 5) throw new Error('broker away');
      },
      { policy: { ...quick, maxRetries: Number.POSITIVE_INFINITY }, retryable: () => true },
    );
    expect(calls).toBe(5);
  });

  it('an abort ends the wait: DeliveryInterruptedError, no further attempt', async () => {
    const abort = new AbortController();
    let calls = 0;
    const started = performance.now();
    const run = retry(
      async () => {
        calls++;
        throw down();
      },
      {
        policy: { maxRetries: 5, initialDelayMs: 60_000, maxDelayMs: 60_000 },
        signal: abort.signal,
      },
    );
    setTimeout(() => abort.abort(), 20);
    await expect(run).rejects.toBeInstanceOf(DeliveryInterruptedError);
    expect(calls).toBe(1);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('an interruption from the attempt itself is passed on, never retried', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new DeliveryInterruptedError();
        },
        { policy: quick },
      ),
    ).rejects.toBeInstanceOf(DeliveryInterruptedError);
    expect(calls).toBe(1);
  });
});
