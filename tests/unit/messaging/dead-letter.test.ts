import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HuleEduError, type IncomingMessage } from '../../../common-core/index.ts';
import {
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
