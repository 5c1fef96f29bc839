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

/** The platform's content type for texts: what the content client sends and the CLI stores. */
export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

/**
 * A content type in one spelling: lower-case `type/subtype`, and `; charset=<lower-case>` when
 * given (other parameters dropped), so "Text/Plain;charset=UTF-8" and "text/plain; charset=utf-8"
 * are one type.
 */
export function normalizeContentType(contentType: string | undefined): string {
  const [essence = '', ...params] = (contentType ?? '').split(';');
  const type = essence.trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type)) return 'application/octet-stream';
  const charset = params
    .map((p) => p.trim().toLowerCase())
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  return charset && /^[a-z0-9_.:-]{1,40}$/.test(charset) ? `${type}; charset=${charset}` : type;
}

/**
 * The id of some bytes under a content type: the first 128 bits of the SHA-256 of the
 * normalized type, a newline and the bytes, as hex. The same bytes with the same type always
 * get the same id (a retried upload stores nothing twice); the same bytes uploaded as another
 * type are another object, so one uploader's type never decides how another's bytes are served.
 */
export function storageIdOf(body: Uint8Array, contentType: string = TEXT_CONTENT_TYPE): string {
  return createHash('sha256')
    .update(`${normalizeContentType(contentType)}\n`)
    .update(body)
    .digest('hex')
    .slice(0, 32);
}

/**
 * Types a browser would run or render as a document (script, markup): served as downloads, so
 * a stored text can never act as a page of the service's origin.
 */
const ACTIVE_TYPES =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|text\/javascript|application\/javascript|application\/ecmascript|text\/ecmascript|multipart\/)/;

/** Whether content of this (normalized) type must be served as a download. */
export function isActiveContentType(contentType: string): boolean {
  return ACTIVE_TYPES.test(contentType);
}
