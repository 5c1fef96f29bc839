import { describe, expect, it } from 'vitest';
import { findCause } from '../../../common-core/index.ts';

const isCode = (code: string) => (e: object) => (e as { code?: unknown }).code === code;

describe('findCause', () => {
  it('finds the error itself, a cause, a cause of a cause', () => {
    const root = Object.assign(new Error('duplicate key'), { code: '23505' });
    const wrapped = new Error('query failed', { cause: new Error('driver', { cause: root }) });
    expect(findCause(root, isCode('23505'))).toBe(root);
    expect(findCause(wrapped, isCode('23505'))).toBe(root);
    expect(findCause(wrapped, isCode('40001'))).toBeUndefined();
  });

  it('looks into the members of an errors list (AggregateError, kafkajs retries)', () => {
    const refused = { type: 'MESSAGE_TOO_LARGE' };
    const error = new Error('retries exhausted', {
      cause: new AggregateError([new Error('timeout'), { cause: refused }], 'all failed'),
    });
    expect(findCause(error, (e) => (e as { type?: unknown }).type === 'MESSAGE_TOO_LARGE')).toBe(
      refused,
    );
  });

  it('non-objects have no chain; a cycle of causes ends at the depth bound', () => {
    expect(findCause(undefined, () => true)).toBeUndefined();
    expect(findCause('text', () => true)).toBeUndefined();
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    let visited = 0;
    expect(
      findCause(a, () => {
        visited++;
        return false;
      }),
    ).toBeUndefined();
    expect(visited).toBe(11);
    // Found at depth 3, not at depth 3 with a bound of 2.
    const deep = { cause: { cause: { cause: { code: 'X' } } } };
    expect(findCause(deep, isCode('X'))).toEqual({ code: 'X' });
    expect(findCause(deep, isCode('X'), 2)).toBeUndefined();
  });
});
