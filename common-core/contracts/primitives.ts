import { z } from 'zod';

/** An ISO-8601 timestamp with an explicit offset ("Z" for UTC), as Pydantic writes it. */
export const IsoDateTime = z.iso.datetime({ offset: true });

/** A UUID string in canonical form. */
export const UuidString = z.uuid();

/** Now, as an ISO-8601 UTC string. */
export function nowIso(): string {
  return new Date().toISOString();
}
