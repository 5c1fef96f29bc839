import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  BatchEssaysRegisteredV1Schema,
  decodeEnvelope,
  encodeEnvelope,
  eventEnvelopeSchema,
  InvalidJsonError,
  InvalidPayloadError,
  makeEnvelope,
  ProcessingEvent,
  parseOrThrow,
  SpellcheckRequestedDataV1Schema,
  SpellcheckResultDataV1Schema,
  UnsupportedSchemaVersionError,
} from '../../../common-core/index.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');
const requested = fixture('spellcheck-requested.envelope.json');
const result = fixture('spellcheck-result.envelope.json');

/** Every key path of a JSON value, for a key-by-key comparison. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
}

describe('event envelope wire format', () => {
  it.each([
    ['spellcheck request', requested, SpellcheckRequestedDataV1Schema],
    ['spellcheck result', result, SpellcheckResultDataV1Schema],
  ] as const)('round-trips a %s key by key and value by value', (_, json, schema) => {
    const decoded = decodeEnvelope(json, schema);
    const reencoded: unknown = JSON.parse(encodeEnvelope(decoded).toString('utf8'));
    const original: unknown = JSON.parse(json);
    expect(keyPaths(reencoded).sort()).toEqual(keyPaths(original).sort());
    expect(reencoded).toEqual(original);
  });

  it('reads snake_case fields and lowercase enum values', () => {
    const env = decodeEnvelope(result, SpellcheckResultDataV1Schema);
    expect(env.event_type).toBe('huleedu.essay.spellcheck.completed.v1');
    expect(env.schema_version).toBe(1);
    expect(env.data.status).toBe('spellchecked_success');
    expect(env.data.system_metadata.processing_stage).toBe('completed');
    expect(env.data.storage_metadata?.references.corrected_text?.storage_id).toBe(
      '60303ae22b998861bce3b28f33eec1be',
    );
    expect(env.data.corrections_made).toBe(7);
  });

  it('fills the seed defaults: schema_version 1, null optionals, language en', () => {
    const raw = JSON.parse(requested);
    delete raw.schema_version;
    delete raw.correlation_id;
    delete raw.data_schema_uri;
    delete raw.data.language;
    delete raw.data.entity_ref.parent_id;
    const env = decodeEnvelope(JSON.stringify(raw), SpellcheckRequestedDataV1Schema);
    expect(env.schema_version).toBe(1);
    expect(env.correlation_id).toBeNull();
    expect(env.data_schema_uri).toBeNull();
    expect(env.data.language).toBe('en');
    expect(env.data.entity_ref.parent_id).toBeNull();
  });

  it('makeEnvelope sets event_type to the topic, a UUID event id and a UTC timestamp', () => {
    const env = makeEnvelope({
      event: ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED,
      sourceService: 'test',
      data: {},
    });
    expect(env.event_type).toBe('huleedu.essay.spellcheck.requested.v1');
    expect(env.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(env.event_timestamp).toMatch(/Z$/);
    expect(eventEnvelopeSchema(SpellcheckRequestedDataV1Schema).safeParse(env).success).toBe(false);
  });
});

describe('rejecting bad payloads', () => {
  it('names every bad field with a readable message', () => {
    const raw = JSON.parse(requested);
    raw.event_id = 'not-a-uuid';
    raw.data.status = 'SPELLCHECKED';
    raw.data.text_storage_id = '';
    try {
      decodeEnvelope(JSON.stringify(raw), SpellcheckRequestedDataV1Schema);
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidPayloadError);
      const err = e as InvalidPayloadError;
      expect(err.code).toBe('HULEEDU_INVALID_PAYLOAD');
      expect(err.retryable).toBe(false);
      expect(err.issues.some((i) => i.startsWith('event_id:'))).toBe(true);
      expect(err.issues.some((i) => i.startsWith('data.status:'))).toBe(true);
      expect(err.issues.some((i) => i.startsWith('data.text_storage_id:'))).toBe(true);
      expect(err.message).toContain('data.status');
    }
  });

  it('rejects bytes that are not JSON', () => {
    expect(() => decodeEnvelope('{"event_id":', SpellcheckRequestedDataV1Schema)).toThrow(
      InvalidJsonError,
    );
  });

  it('rejects timestamps without an offset', () => {
    const raw = JSON.parse(requested);
    raw.event_timestamp = '2025-05-25T10:00:00';
    expect(() => decodeEnvelope(JSON.stringify(raw), SpellcheckRequestedDataV1Schema)).toThrow(
      /event_timestamp/,
    );
  });

  it('refuses an unknown schema_version before validating the rest', () => {
    const raw = JSON.parse(requested);
    raw.schema_version = 2;
    raw.data = { whatever: true };
    const err = (() => {
      try {
        decodeEnvelope(JSON.stringify(raw), SpellcheckRequestedDataV1Schema);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(UnsupportedSchemaVersionError);
    expect((err as UnsupportedSchemaVersionError).code).toBe('HULEEDU_UNSUPPORTED_SCHEMA_VERSION');
    expect((err as Error).message).toContain('schema_version 2 is not supported');
  });
});

describe('parseOrThrow', () => {
  it('names what was parsed and lists every issue with its path, or (root)', () => {
    const schema = z.object({ a: z.number(), b: z.object({ c: z.string() }) });
    try {
      parseOrThrow(schema, { a: 'x', b: {} }, 'the thing');
      expect.unreachable('parsed a bad value');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidPayloadError);
      expect((error as Error).message).toMatch(/^the thing is invalid: a: .+; b\.c: .+$/);
    }
    expect(() => parseOrThrow(schema, 'text', 'the thing')).toThrow(
      /^the thing is invalid: \(root\): /,
    );
    expect(parseOrThrow(schema, { a: 1, b: { c: 'd' } }, 'the thing')).toEqual({
      a: 1,
      b: { c: 'd' },
    });
  });
});

describe('batch.essays.registered data', () => {
  const base = {
    event_name: 'batch.essays.registered',
    entity_ref: { entity_id: 'b1', entity_type: 'batch' },
    timestamp: '2026-12-01T00:00:00Z',
    batch_id: 'b1',
  };
  const issuesOf = (data: Record<string, unknown>) =>
    BatchEssaysRegisteredV1Schema.safeParse({ ...base, ...data }).error?.issues.map((i) => [
      i.path.join('.'),
      i.message,
    ]);
  it('accepts as many distinct essay ids as it expects', () => {
    expect(issuesOf({ expected_essay_count: 2, essay_ids: ['e1', 'e2'] })).toBeUndefined();
  });
  it('refuses a count that is not the number of ids, and an id listed twice', () => {
    expect(issuesOf({ expected_essay_count: 3, essay_ids: ['e1', 'e2'] })).toEqual([
      ['expected_essay_count', 'expected_essay_count must equal the number of essay_ids'],
    ]);
    expect(issuesOf({ expected_essay_count: 2, essay_ids: ['e1', 'e1'] })).toEqual([
      ['essay_ids', 'essay_ids must be unique'],
    ]);
  });
});
