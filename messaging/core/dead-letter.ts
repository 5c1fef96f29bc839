import { createHash } from 'node:crypto';
import {
  dltTopic,
  HuleEduError,
  type IncomingMessage,
  type OutgoingMessage,
} from '../../common-core/index.ts';

/** Body of a dead letter: everything needed to inspect and replay the original. */
export interface DeadLetter {
  original: {
    topic: string;
    partition: number;
    offset: string;
    /** The original key; cut (see `key_truncated`) when it alone would not fit a record. */
    key: string | null;
    key_truncated?: boolean;
    headers: Record<string, string>;
    /** True when some original headers were cut or left out to fit the record. */
    headers_truncated?: boolean;
    /** The payload as UTF-8 text when it is valid UTF-8, else base64. */
    payload: string;
    payload_encoding: 'utf8' | 'base64';
    /** Size of the original payload; when above the kept part, `payload` holds its start only. */
    payload_bytes: number;
    payload_truncated: boolean;
    /** SHA-256 (hex) of the whole original payload: tells a replayed or re-fetched copy apart. */
    payload_sha256: string;
    timestamp: number;
  };
  error: { code: string; message: string; retryable: boolean };
  consumer_group: string;
  attempts: number;
  failed_at: string;
}

/**
 * A dead letter's whole record (key, value and headers) stays under this many bytes, so that it
 * fits a topic's `max.message.bytes` (1 MB by default) with room for the record's framing. The
 * original stays at its source (topic/partition/offset, or the JetStream stream sequence), so
 * what is cut here can be read there.
 */
export const DEAD_LETTER_MAX_BYTES = 900_000;

/** An error message longer than this is cut: a validation error can list thousands of issues. */
export const DEAD_LETTER_ERROR_MESSAGE_LIMIT = 4_096;

/** Keys and header values longer than this are cut in a dead letter's headers. */
const HEADER_VALUE_LIMIT = 1_024;
/** At most this many bytes of the original headers travel as the dead letter's headers. */
const HEADERS_LIMIT = 16 * 1024;

/** `text` cut to `limit` characters, saying how much was left out. */
export function cutText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
}

/** The payload part of a dead letter, keeping at most `keep` bytes of `value`. */
function payloadOf(
  value: Uint8Array,
  keep: number,
): Pick<
  DeadLetter['original'],
  'payload' | 'payload_encoding' | 'payload_bytes' | 'payload_truncated'
> {
  const truncated = value.length > keep;
  const kept = truncated ? value.subarray(0, keep) : value;
  const size = { payload_bytes: value.length, payload_truncated: truncated };
  try {
    // A cut may split a character: only the untruncated payload must decode strictly.
    const text = new TextDecoder('utf-8', { fatal: !truncated }).decode(kept);
    // NUL and other control bytes are valid UTF-8 but not text anyone can read or replay.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
    if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) throw new Error('control bytes');
    return { payload: text, payload_encoding: 'utf8', ...size };
  } catch {
    return { payload: Buffer.from(kept).toString('base64'), payload_encoding: 'base64', ...size };
  }
}

/** Headers bounded in total size; long values cut. */
function boundedHeaders(headers: Record<string, string>): {
  headers: Record<string, string>;
  truncated: boolean;
} {
  const out: Record<string, string> = {};
  let bytes = 0;
  let truncated = false;
  for (const [k, v] of Object.entries(headers)) {
    const key = cutText(k, 256);
    const value = cutText(v, HEADER_VALUE_LIMIT);
    if (key !== k || value !== v) truncated = true;
    const size = Buffer.byteLength(key) + Buffer.byteLength(value);
    if (bytes + size > HEADERS_LIMIT) {
      truncated = true;
      continue;
    }
    out[key] = value;
    bytes += size;
  }
  return { headers: out, truncated };
}

/** Describe any thrown value as a dead letter's error part, its message bounded. */
export function describeError(error: unknown): DeadLetter['error'] {
  if (error instanceof HuleEduError)
    return {
      code: error.code,
      message: cutText(error.message, DEAD_LETTER_ERROR_MESSAGE_LIMIT),
      retryable: error.retryable,
    };
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'HULEEDU_PROCESSING_FAILED',
    message: cutText(message, DEAD_LETTER_ERROR_MESSAGE_LIMIT),
    retryable: false,
  };
}

/** Bytes a record takes against `max.message.bytes`, framing aside. */
function recordBytes(key: string, value: Uint8Array, headers: Record<string, string>): number {
  let bytes = Buffer.byteLength(key) + value.length;
  for (const [k, v] of Object.entries(headers))
    bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  return bytes;
}

export interface DeadLetterOptions {
  /** The record's bound; default `DEAD_LETTER_MAX_BYTES`. */
  maxBytes?: number;
  /** Leave the payload and the original headers out (a fallback when a broker refused the full one). */
  summaryOnly?: boolean;
}

/** JetStream's dedup header (`Nats-Msg-Id`): a message carrying it is stored once per id. */
const NATS_MSG_ID_HEADER = 'Nats-Msg-Id';

/**
 * Build the `<topic>.DLT` message for a message that failed for good. Bounded by construction:
 * the encoded record is measured, and the kept payload (then the original headers) is cut until
 * the whole record fits `maxBytes`, whatever JSON escaping does to it (control bytes grow six
 * times). The SHA-256 of the whole original payload is always kept.
 */
export function deadLetterFor(
  message: IncomingMessage,
  error: DeadLetter['error'],
  consumerGroup: string,
  attempts: number,
  options: DeadLetterOptions = {},
): OutgoingMessage {
  const maxBytes = options.maxBytes ?? DEAD_LETTER_MAX_BYTES;
  const originalKey = message.key;
  const keyTooLong = originalKey !== null && originalKey.length > HEADER_VALUE_LIMIT;
  // Keep the original key so that a replay lands on the same partition / actor; a key too long
  // to carry is replaced by its hash (the body keeps its start).
  const dltKey =
    originalKey === null
      ? `${message.topic}/${message.partition}/${message.offset}`
      : keyTooLong
        ? `sha256:${createHash('sha256').update(originalKey).digest('hex')}`
        : originalKey;
  const bounded = options.summaryOnly
    ? { headers: {}, truncated: Object.keys(message.headers).length > 0 }
    : boundedHeaders(message.headers);
  // The original's JetStream dedup id must not become the dead letter's: published to JetStream
  // with it, the dead letter was dropped as a duplicate of the original (the poison vanished).
  const { [NATS_MSG_ID_HEADER]: originalMsgId, ...copied } = bounded.headers;
  const dlHeaders: Record<string, string> = {
    ...copied,
    ...(originalMsgId === undefined ? {} : { 'huleedu-dlt-original-msg-id': originalMsgId }),
    'huleedu-dlt-original-topic': cutText(message.topic, 256),
    'huleedu-dlt-original-partition': String(message.partition),
    'huleedu-dlt-original-offset': message.offset,
    'huleedu-dlt-error-code': error.code,
  };
  const boundedError = {
    ...error,
    message: cutText(error.message, DEAD_LETTER_ERROR_MESSAGE_LIMIT),
  };
  const sha = createHash('sha256').update(message.value).digest('hex');

  const encode = (keep: number, headers: Record<string, string>, headersCut: boolean) => {
    const body: DeadLetter = {
      original: {
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        key: keyTooLong ? cutText(originalKey, HEADER_VALUE_LIMIT) : originalKey,
        ...(keyTooLong ? { key_truncated: true } : {}),
        headers,
        ...(headersCut ? { headers_truncated: true } : {}),
        ...payloadOf(message.value, keep),
        payload_sha256: sha,
        timestamp: message.timestamp,
      },
      error: boundedError,
      consumer_group: consumerGroup,
      attempts,
      failed_at: new Date().toISOString(),
    };
    return Buffer.from(JSON.stringify(body));
  };

  let headers = bounded.headers;
  let headersCut = bounded.truncated;
  let keep = options.summaryOnly ? 0 : message.value.length;
  let value = encode(keep, headers, headersCut);
  // Shrink the kept payload in proportion to the overshoot until the record fits; the headers
  // copied into the body go last (they are also on the record, as far as they fit).
  for (let round = 0; recordBytes(dltKey, value, dlHeaders) > maxBytes && round < 32; round++) {
    if (keep === 0) {
      headers = {};
      headersCut = true;
      value = encode(0, headers, headersCut);
      break;
    }
    const over = recordBytes(dltKey, value, dlHeaders) - maxBytes;
    const ratio = value.length > 0 ? keep / value.length : 0;
    // `ratio` converts encoded bytes back to payload bytes; 1 KB of slack avoids a long tail.
    keep = Math.max(0, Math.floor(keep - over * Math.max(ratio, 1 / 6) - 1024));
    value = encode(keep, headers, headersCut);
  }
  return { topic: dltTopic(message.topic), key: dltKey, value, headers: dlHeaders };
}
