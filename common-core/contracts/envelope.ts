import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ProcessingEvent } from '../enums/processing-event.ts';
import {
  InvalidJsonError,
  InvalidPayloadError,
  UnsupportedSchemaVersionError,
} from '../errors/named-errors.ts';
import { topicName } from '../topics/topic-name.ts';
import { IsoDateTime, nowIso, UuidString } from './primitives.ts';

/** Envelope schema versions this build understands. */
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = [1];

const envelopeFields = {
  event_id: UuidString,
  /** Equals the topic name the event travels on. */
  event_type: z.string().min(1),
  event_timestamp: IsoDateTime,
  source_service: z.string().min(1),
  schema_version: z.number().int().positive().default(1),
  correlation_id: UuidString.nullable().default(null),
  data_schema_uri: z.string().nullable().default(null),
};

/** The envelope of every event, with its `data` validated by `data`. */
export function eventEnvelopeSchema<D extends z.ZodType>(data: D) {
  return z.object({ ...envelopeFields, data });
}

/** The envelope with `data` left unvalidated (routing, bridging, dead-lettering). */
export const AnyEventEnvelopeSchema = eventEnvelopeSchema(z.unknown());
export type AnyEventEnvelope = z.output<typeof AnyEventEnvelopeSchema>;

export type EventEnvelope<D> = Omit<AnyEventEnvelope, 'data'> & { data: D };

// Building a zod object schema costs far more than parsing with it: build once per data schema.
const envelopeSchemas = new WeakMap<z.ZodType, z.ZodType>();
function cachedEnvelopeSchema(data: z.ZodType): z.ZodType {
  let schema = envelopeSchemas.get(data);
  if (!schema) {
    schema = eventEnvelopeSchema(data);
    envelopeSchemas.set(data, schema);
  }
  return schema;
}

/** Readable one-line-per-issue rendering of a zod error. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/** Parse with a schema or throw `InvalidPayloadError` listing every issue. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = formatIssues(result.error);
    throw new InvalidPayloadError(`${what} is invalid: ${issues.join('; ')}`, issues);
  }
  return result.data;
}

/**
 * Decode wire bytes into an envelope whose data matches `data`.
 * Throws InvalidJsonError, UnsupportedSchemaVersionError or InvalidPayloadError (all poison:
 * retrying cannot help).
 */
export function decodeEnvelope<D extends z.ZodType>(
  bytes: Uint8Array | string,
  data: D,
): EventEnvelope<z.output<D>> {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InvalidJsonError(`message is not valid JSON: ${(e as Error).message}`);
  }
  // The version is checked before the rest: a newer envelope may legitimately fail v1's schema.
  if (raw !== null && typeof raw === 'object' && 'schema_version' in raw) {
    const v = (raw as { schema_version: unknown }).schema_version;
    if (typeof v !== 'number' || !SUPPORTED_SCHEMA_VERSIONS.includes(v)) {
      throw new UnsupportedSchemaVersionError(v, SUPPORTED_SCHEMA_VERSIONS);
    }
  }
  return parseOrThrow(cachedEnvelopeSchema(data), raw, 'event envelope') as EventEnvelope<
    z.output<D>
  >;
}

/** Encode an envelope for the wire (UTF-8 JSON). */
export function encodeEnvelope(envelope: EventEnvelope<unknown>): Buffer {
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

export interface MakeEnvelopeInput<D> {
  event: ProcessingEvent;
  sourceService: string;
  data: D;
  correlationId?: string | null;
  dataSchemaUri?: string | null;
  eventId?: string;
  timestamp?: string;
}

/** A new envelope for `event`; `event_type` is the event's topic, so an unmapped event throws. */
export function makeEnvelope<D>(input: MakeEnvelopeInput<D>): EventEnvelope<D> {
  return {
    event_id: input.eventId ?? randomUUID(),
    event_type: topicName(input.event),
    event_timestamp: input.timestamp ?? nowIso(),
    source_service: input.sourceService,
    schema_version: 1,
    correlation_id: input.correlationId ?? null,
    data_schema_uri: input.dataSchemaUri ?? null,
    data: input.data,
  };
}
