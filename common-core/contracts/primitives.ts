import { hash } from 'node:crypto';
import { z } from 'zod';

/** An ISO-8601 timestamp with an explicit offset ("Z" for UTC), as Pydantic writes it. */
export const IsoDateTime = z.iso.datetime({ offset: true });

/** A UUID string in canonical form. */
export const UuidString = z.uuid();

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
