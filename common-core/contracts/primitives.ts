import { hash } from 'node:crypto';
import { z } from 'zod';

/** An ISO-8601 timestamp with an explicit offset ("Z" for UTC), as Pydantic writes it. */
export const IsoDateTime = z.iso.datetime({ offset: true });

/** A UUID string in canonical form. */
export const UuidString = z.uuid();

/**
 * The one id policy for essays and batches, enforced at every boundary (events, HTTP paths):
 * 1-128 characters of A-Z, a-z, 0-9, `_`, `-` and `:`. So an id is always a valid NATS subject
 * token and URL path segment, never holds NUL (Postgres refuses it in text), and stays well
 * under HTTP's line limits. UUIDs and the api's `<batch uuid>-0001` essay ids qualify.
 */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9_:-]{1,128}$/;

/** An essay or batch id under `ENTITY_ID_PATTERN`. */
export const EntityIdSchema = z
  .string()
  .regex(ENTITY_ID_PATTERN, 'must be 1-128 characters of A-Z a-z 0-9 _ - :');

/** Now, as an ISO-8601 UTC string. */
export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * A UUID (version 5 layout) derived from `parts`: the same inputs always give the same id.
 * Used for events caused by another event, so that a redelivered cause yields a duplicate
 * (and deduplicated) effect instead of a second, distinct one.
 */
export function derivedUuid(...parts: string[]): string {
  // One-shot hash(): no Hash object per call (this runs once per emitted event).
  const hex = hash('sha256', parts.join('\u0000'), 'hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
