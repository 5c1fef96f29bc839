/** Poll `check` until it returns a value other than undefined/false, or fail after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * `promise`, or a failure naming `what` once `timeoutMs` has passed: a guarantee that breaks by
 * hanging (a retry loop that never ends) fails with its name rather than as a test timeout.
 */
export async function within<T>(timeoutMs: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`not done after ${timeoutMs} ms: ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves once a timer of `periodMs` has fired three times. A test that asserts a stopped
 * loop of that period stays quiet waits on this, not on a fixed sleep: timers of one period
 * fire in order, so a loop still running would have fired in between, however busy the machine.
 */
export async function threeTicksOf(periodMs: number, what: string): Promise<void> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, periodMs);
  try {
    await waitFor(`three ticks of ${what}`, () => ticks >= 3);
  } finally {
    clearInterval(timer);
  }
}
