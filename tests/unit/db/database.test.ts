import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/index.ts';
import { freePort } from '../../helpers/processes.ts';

describe('openDatabase', () => {
  it('an unreachable server is one clear, retryable error without the password (bug: a 30-line stack)', async () => {
    const port = await freePort();
    const error = await openDatabase({
      url: `postgres://app:hunter2@127.0.0.1:${port}/huleedu`,
    }).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string; retryable?: boolean },
    );
    expect(error?.code).toBe('HULEEDU_DEPENDENCY_UNAVAILABLE');
    expect(error?.retryable).toBe(true);
    expect(error?.message).toBe(
      `cannot use Postgres at 127.0.0.1:${port}/huleedu: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(error?.message).not.toContain('hunter2');
  });
});
