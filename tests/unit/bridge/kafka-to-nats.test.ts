import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../../../bridge/index.ts';

describe('rejectionOf (Kafka -> NATS)', () => {
  const route = { subject: 'huleedu.status.v1.{key}', maxBytes: 1_000 };
  const value = Buffer.from('{}');

  it('passes a key that can be a subject token', () => {
    expect(rejectionOf(route, 'essay-1_a:b', value)).toBeUndefined();
  });

  it('refuses a key NATS cannot carry in a subject (bug: a 10 KB key made NATS drop the connection on every retry)', () => {
    expect(rejectionOf(route, 'k'.repeat(10_000), value)?.label).toBe('bad_key');
    for (const key of ['', 'a.b', 'a b', 'a*', 'a>', 'a\u0000'])
      expect(rejectionOf(route, key, value)?.label, JSON.stringify(key)).toBe('bad_key');
  });

  it('takes any key when the subject does not embed it', () => {
    expect(rejectionOf({ ...route, subject: 'huleedu.status.v1' }, 'a.b c', value)).toBeUndefined();
  });

  it('refuses a payload above the route limit', () => {
    expect(rejectionOf(route, 'k', Buffer.alloc(1_001))?.label).toBe('too_large');
  });
});
