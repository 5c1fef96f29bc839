import { createHash } from 'node:crypto';

/** A stored object with the content type it was uploaded with. */
export interface StoredContent {
  body: Buffer;
  contentType: string;
}

/** Where the content service keeps texts. Ids are content hashes, so writes are idempotent. */
export interface ContentStore {
  /** Store `body` under `storageId`; 'exists' when the same bytes were stored before. */
  put(storageId: string, body: Buffer, contentType: string): Promise<'created' | 'exists'>;
  get(storageId: string): Promise<StoredContent | undefined>;
  /** True when a write would succeed now. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/** Storage ids: 32 lowercase hex characters. Nothing else may reach a store. */
export const STORAGE_ID = /^[0-9a-f]{32}$/;

/** The id of some bytes: the first 128 bits of their SHA-256, as hex. */
export function storageIdOf(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 32);
}
