import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../cli/api-client.ts';
import { HuleEduError } from '../../../common-core/index.ts';

describe('ApiError', () => {
  it("keeps the api's own code, with the table's retry flag", () => {
    const e = new ApiError(429, 'HULEEDU_RATE_LIMITED', 'slow down');
    expect(e).toBeInstanceOf(HuleEduError);
    expect([e.code, e.retryable, e.status, e.answerCode]).toEqual([
      'HULEEDU_RATE_LIMITED',
      true,
      429,
      'HULEEDU_RATE_LIMITED',
    ]);
  });

  it('an answer that is not the api own gets the code its status means, and keeps what was said', () => {
    const proxy = new ApiError(502, 'HTTP_502', 'Bad Gateway');
    expect([proxy.code, proxy.retryable, proxy.answerCode]).toEqual([
      'HULEEDU_DEPENDENCY_UNAVAILABLE',
      true,
      'HTTP_502',
    ]);
    expect(new ApiError(0, 'HTTP_0', 'no answer').code).toBe('HULEEDU_DEPENDENCY_UNAVAILABLE');
    const teapot = new ApiError(418, 'HTTP_418', 'no');
    expect([teapot.code, teapot.retryable]).toEqual(['HULEEDU_BAD_REQUEST', false]);
    expect(teapot.message).toBe('no');
  });
});
