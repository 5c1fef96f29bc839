import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HuleEduError, type IncomingMessage } from '../../../common-core/index.ts';
import {
  cutText,
  DEAD_LETTER_MAX_BYTES,
  type DeadLetter,
  deadLetterFor,
  describeError,
} from '../../../messaging/index.ts';

const incoming = (value: Uint8Array, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({
  topic: 'huleedu.test.v1',
  partition: 2,
  offset: '41',
  key: 'essay-1',
  value,
  headers: { 'x-origin': 'test' },
  timestamp: 1,
  ...extra,
});

/** What the record costs against the topic's max.message.bytes (framing aside). */
const recordBytes = (m: ReturnType<typeof deadLetterFor>): number =>
  Buffer.byteLength(m.key) +
  m.value.length +
  Object.entries(m.headers ?? {}).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v),
    0,
  );

const bodyOf = (m: ReturnType<typeof deadLetterFor>): DeadLetter =>
  JSON.parse(Buffer.from(m.value).toString('utf8')) as DeadLetter;

const invalid = { code: 'HULEEDU_INVALID_PAYLOAD', message: 'bad', retryable: false };

describe('deadLetterFor: bounded by construction', () => {
  it("does not carry the original's JetStream dedup id as its own (bug: JetStream dropped such a dead letter as a duplicate of the original)", () => {
    const dl = deadLetterFor(
      incoming(Buffer.from('{'), { headers: { 'Nats-Msg-Id': 'ev-1', 'x-origin': 'test' } }),
      invalid,
      'g',
      0,
    );
    expect(dl.headers?.['Nats-Msg-Id']).toBeUndefined();
    expect(dl.headers?.['huleedu-dlt-original-msg-id']).toBe('ev-1');
    expect(dl.headers?.['x-origin']).toBe('test');
    expect(bodyOf(dl).original.headers).toMatchObject({ 'Nats-Msg-Id': 'ev-1' });
  });

  it('keeps a small payload whole, with its hash and coordinates', () => {
    const value = Buffer.from('{"hello":"world"}');
    const dl = deadLetterFor(incoming(value), invalid, 'g', 0);
    const body = bodyOf(dl);
    expect(body.original).toMatchObject({
      topic: 'huleedu.test.v1',
      partition: 2,
      offset: '41',
      key: 'essay-1',
      payload: '{"hello":"world"}',
      payload_encoding: 'utf8',
      payload_truncated: false,
      payload_bytes: value.length,
      payload_sha256: createHash('sha256').update(value).digest('hex'),
      headers: { 'x-origin': 'test' },
    });
    expect(dl.topic).toBe('huleedu.test.v1.DLT');
    expect(dl.key).toBe('essay-1');
  });

  it('300 KB of control bytes fits the limit (bug: escaped six-fold into a 1.57 MB dead letter)', () => {
    const value = Buffer.alloc(300 * 1024, 0x01);
    const dl = deadLetterFor(incoming(value), invalid, 'g', 0);
    expect(recordBytes(dl)).toBeLessThanOrEqual(DEAD_LETTER_MAX_BYTES);
    const body = bodyOf(dl);
    expect(body.original.payload_encoding).toBe('base64');
    expect(body.original.payload_bytes).toBe(value.length);
    expect(body.original.payload_sha256).toBe(createHash('sha256').update(value).digest('hex'));
  });

  it('cuts any payload to fit a small limit, whatever its encoding', () => {
    for (const byte of [0x01, 0x22, 0x61, 0xff]) {
      const value = Buffer.alloc(200_000, byte);
      const dl = deadLetterFor(incoming(value), invalid, 'g', 0, { maxBytes: 20_000 });
      expect(recordBytes(dl), `byte 0x${byte.toString(16)}`).toBeLessThanOrEqual(20_000);
      const body = bodyOf(dl);
      expect(body.original.payload_truncated).toBe(true);
      // It keeps as much as fits, not a token start.
      expect(body.original.payload.length).toBeGreaterThan(1_000);
    }
  });

  it('bounds a huge error message (bug: a 4.4 MB zod error text)', () => {
    const huge = describeError(new HuleEduError('HULEEDU_INVALID_PAYLOAD', 'x'.repeat(4_400_000)));
    expect(huge.message.length).toBeLessThan(5_000);
    expect(huge.message).toContain('more characters');
    const dl = deadLetterFor(
      incoming(Buffer.from('{}')),
      { ...invalid, message: 'y'.repeat(4_400_000) },
      'g',
      0,
    );
    expect(recordBytes(dl)).toBeLessThan(20_000);
  });

  it('replaces a key too long to carry by its hash and bounds the original headers', () => {
    const key = 'k'.repeat(10_000);
    const headers: Record<string, string> = {};
    for (let i = 0; i < 100; i++) headers[`h${i}`] = 'v'.repeat(5_000);
    const dl = deadLetterFor(incoming(Buffer.from('{}'), { key, headers }), invalid, 'g', 0);
    expect(dl.key).toBe(`sha256:${createHash('sha256').update(key).digest('hex')}`);
    expect(recordBytes(dl)).toBeLessThan(60_000);
    const body = bodyOf(dl);
    expect(body.original.key_truncated).toBe(true);
    expect(body.original.headers_truncated).toBe(true);
  });

  it('summaryOnly leaves payload and headers out but keeps the hash', () => {
    const value = Buffer.from('{"a":1}');
    const body = bodyOf(deadLetterFor(incoming(value), invalid, 'g', 3, { summaryOnly: true }));
    expect(body.original.payload).toBe('');
    expect(body.original.payload_truncated).toBe(true);
    expect(body.original.headers).toEqual({});
    expect(body.original.payload_sha256).toBe(createHash('sha256').update(value).digest('hex'));
    expect(body.attempts).toBe(3);
  });
});

describe('cutText and describeError', () => {
  it('keeps a text of exactly the limit, and says how many characters a cut left out', () => {
    expect(cutText('abcd', 4)).toBe('abcd');
    expect(cutText('abcdef', 4)).toBe('abcd… (2 more characters)');
  });

  it('describes any thrown value: a HuleEdu error by its code and retry flag, anything else as a permanent processing failure', () => {
    expect(
      describeError(new HuleEduError('HULEEDU_TRANSIENT', 'busy', { retryable: true })),
    ).toEqual({
      code: 'HULEEDU_TRANSIENT',
      message: 'busy',
      retryable: true,
    });
    expect(describeError(new Error('boom'))).toEqual({
      code: 'HULEEDU_PROCESSING_FAILED',
      message: 'boom',
      retryable: false,
    });
    expect(describeError('a string')).toEqual({
      code: 'HULEEDU_PROCESSING_FAILED',
      message: 'a string',
      retryable: false,
    });
    expect(describeError(new Error('z'.repeat(5_000))).message).toBe(
      `${'z'.repeat(4_096)}… (904 more characters)`,
    );
  });
});

describe('deadLetterFor: what it keeps', () => {
  it('a record without a key is keyed by its coordinates', () => {
    expect(deadLetterFor(incoming(Buffer.from('{}'), { key: null }), invalid, 'g', 0).key).toBe(
      'huleedu.test.v1/2/41',
    );
  });

  it('keeps a key of exactly the header limit (1,024) as it is', () => {
    const key = 'k'.repeat(1_024);
    const dl = deadLetterFor(incoming(Buffer.from('{}'), { key }), invalid, 'g', 0);
    expect(dl.key).toBe(key);
    expect(bodyOf(dl).original.key_truncated).toBeUndefined();
  });

  it('a cut payload that splits a character is still text; a whole one that is not UTF-8 is base64', () => {
    const value = Buffer.from('é'.repeat(20_000)); // 40,000 bytes
    const cut = bodyOf(deadLetterFor(incoming(value), invalid, 'g', 0, { maxBytes: 10_001 }));
    expect(cut.original.payload_truncated).toBe(true);
    expect(cut.original.payload_encoding).toBe('utf8');
    expect(cut.original.payload.startsWith('éé')).toBe(true);
    const broken = Buffer.from([0x61, 0xc3]);
    const whole = bodyOf(deadLetterFor(incoming(broken), invalid, 'g', 0));
    expect(whole.original).toMatchObject({
      payload: broken.toString('base64'),
      payload_encoding: 'base64',
      payload_truncated: false,
      payload_bytes: 2,
    });
  });

  it('a payload that fits with little room to spare is kept whole', () => {
    const value = Buffer.alloc(18_900, 0x61);
    const fits = deadLetterFor(incoming(value), invalid, 'g', 0, { maxBytes: 20_000 });
    expect(recordBytes(fits)).toBeGreaterThan(19_000);
    expect(bodyOf(fits).original.payload_truncated).toBe(false);
    expect(bodyOf(fits).original.payload).toBe(value.toString());
  });

  it('copies small headers unmarked; a long value or key is cut and marked', () => {
    const plain = bodyOf(deadLetterFor(incoming(Buffer.from('{}')), invalid, 'g', 0));
    expect(plain.original.headers).toEqual({ 'x-origin': 'test' });
    expect(plain.original.headers_truncated).toBeUndefined();
    const longValue = deadLetterFor(
      incoming(Buffer.from('{}'), { headers: { a: 'v'.repeat(2_000) } }),
      invalid,
      'g',
      0,
    );
    expect(bodyOf(longValue).original.headers_truncated).toBe(true);
    expect(bodyOf(longValue).original.headers.a).toBe(
      `${'v'.repeat(1_024)}… (976 more characters)`,
    );
    expect(longValue.headers?.a).toBe(bodyOf(longValue).original.headers.a);
    const longKey = bodyOf(
      deadLetterFor(
        incoming(Buffer.from('{}'), { headers: { ['h'.repeat(300)]: 'v' } }),
        invalid,
        'g',
        0,
      ),
    );
    expect(longKey.original.headers_truncated).toBe(true);
    expect(Object.keys(longKey.original.headers)).toEqual([
      `${'h'.repeat(256)}… (44 more characters)`,
    ]);
  });

  it('copies headers up to 16 KB in all, dropping (and marking) those past it', () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 20; i++) headers[`h${String(i).padStart(2, '0')}`] = 'v'.repeat(1_000);
    const body = bodyOf(deadLetterFor(incoming(Buffer.from('{}'), { headers }), invalid, 'g', 0));
    // 16 of 1,003 bytes fit 16,384; the 17th would not.
    expect(Object.keys(body.original.headers)).toHaveLength(16);
    expect(body.original.headers_truncated).toBe(true);
  });

  it('keeps headers of exactly 16 KB in all', () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 16; i++) headers[`h${String(i).padStart(2, '0')}`] = 'v'.repeat(1_021);
    const body = bodyOf(deadLetterFor(incoming(Buffer.from('{}'), { headers }), invalid, 'g', 0));
    expect(Object.keys(body.original.headers)).toHaveLength(16);
    expect(body.original.headers_truncated).toBeUndefined();
  });

  it('summaryOnly marks headers as cut only when there were some', () => {
    const none = bodyOf(
      deadLetterFor(incoming(Buffer.from('{}'), { headers: {} }), invalid, 'g', 0, {
        summaryOnly: true,
      }),
    );
    expect(none.original.headers_truncated).toBeUndefined();
    const some = bodyOf(
      deadLetterFor(incoming(Buffer.from('{}')), invalid, 'g', 0, { summaryOnly: true }),
    );
    expect(some.original.headers_truncated).toBe(true);
  });

  it('counts the record headers against the bound, and when even an empty payload does not fit, drops the headers from the body too', () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 12; i++) headers[`h${i}`] = 'v'.repeat(1_000);
    const dl = deadLetterFor(incoming(Buffer.alloc(30_000, 0x61), { headers }), invalid, 'g', 0, {
      maxBytes: 30_000,
    });
    expect(recordBytes(dl)).toBeLessThanOrEqual(30_000);
    expect(bodyOf(dl).original.payload_truncated).toBe(true);
    const tiny = deadLetterFor(incoming(Buffer.alloc(5_000, 0x61), { headers }), invalid, 'g', 0, {
      maxBytes: 15_000,
    });
    const body = bodyOf(tiny);
    expect(body.original.payload).toBe('');
    expect(body.original.headers).toEqual({});
    expect(body.original.headers_truncated).toBe(true);
  });
});
