import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, sleep } from '../../../messaging/index.ts';

const policy = { maxRetries: 5, initialDelayMs: 100, maxDelayMs: 1_000 };

describe('backoffDelay', () => {
  it('doubles from the initial delay per attempt up to the cap (no jitter at the midpoint)', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(policy, a, mid))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('jitters by ±20% around the base, rounded to whole milliseconds', () => {
    expect(backoffDelay(policy, 1, () => 0)).toBe(80);
    expect(backoffDelay(policy, 1, () => 1)).toBe(120);
    expect(backoffDelay(policy, 3, () => 0.25)).toBe(360);
    expect(Number.isInteger(backoffDelay(policy, 2, () => 0.123))).toBe(true);
  });
});

describe('sleep', () => {
  it('resolves after the delay', async () => {
    const started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('resolves at once when the signal aborts, or was aborted before', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    await waiting;
    await sleep(60_000, controller.signal);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('leaves no timer when aborted and no listener when it ran out (a long-lived signal would collect them)', async () => {
    const controller = new AbortController();
    await sleep(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    vi.useFakeTimers();
    try {
      const waiting = sleep(60_000, controller.signal);
      expect(vi.getTimerCount()).toBe(1);
      controller.abort();
      await waiting;
      expect(vi.getTimerCount(), 'the timer of an aborted sleep').toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
