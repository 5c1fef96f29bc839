import { describe, expect, it } from 'vitest';
import { subjectOf } from '../../../bridge/index.ts';

const labelOf = (r: ReturnType<typeof subjectOf>): string | undefined =>
  'label' in r ? r.label : undefined;

describe('subjectOf (Kafka -> NATS)', () => {
  const route = { subject: 'huleedu.status.v1.{key}', maxBytes: 1_000 };
  const value = Buffer.from('{}');

  it('puts a key that can be a subject token into the subject', () => {
    expect(subjectOf(route, 'essay-1_a:b', value)).toEqual({
      subject: 'huleedu.status.v1.essay-1_a:b',
    });
  });

  it('refuses a key NATS cannot carry in a subject (bug: a 10 KB key made NATS drop the connection on every retry)', () => {
    expect(labelOf(subjectOf(route, 'k'.repeat(10_000), value))).toBe('bad_subject_token');
    for (const key of ['', 'a.b', 'a b', 'a*', 'a>', 'a\u0000'])
      expect(labelOf(subjectOf(route, key, value)), JSON.stringify(key)).toBe('bad_subject_token');
  });

  it('takes any key when the subject does not embed it', () => {
    expect(subjectOf({ ...route, subject: 'huleedu.status.v1' }, 'a.b c', value)).toEqual({
      subject: 'huleedu.status.v1',
    });
  });

  it('fills {field:PATH} from the JSON payload, and refuses a payload without it', () => {
    const live = { subject: 'huleedu.live.v1.{field:data.batch_id}', maxBytes: 1_000 };
    const body = Buffer.from(JSON.stringify({ data: { batch_id: 'b-1' } }));
    expect(subjectOf(live, 'essay-1', body)).toEqual({ subject: 'huleedu.live.v1.b-1' });
    expect(labelOf(subjectOf(live, 'essay-1', Buffer.from('{"data":{"batch_id":null}}')))).toBe(
      'bad_subject_token',
    );
    expect(labelOf(subjectOf(live, 'essay-1', Buffer.from('not json')))).toBe('bad_subject_token');
  });

  it('refuses a payload above the route limit', () => {
    expect(labelOf(subjectOf(route, 'k', Buffer.alloc(1_001)))).toBe('too_large');
  });
});
