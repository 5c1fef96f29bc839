/**
 * The one table of stable error codes. A code never changes meaning once released;
 * `retryable` says whether trying the same operation again can help.
 */
export const ErrorCodes = {
  HULEEDU_UNMAPPED_EVENT: { retryable: false, http: 500, summary: 'event has no topic mapping' },
  HULEEDU_INVALID_PAYLOAD: { retryable: false, http: 400, summary: 'payload failed validation' },
  HULEEDU_INVALID_JSON: { retryable: false, http: 400, summary: 'payload is not valid JSON' },
  HULEEDU_UNSUPPORTED_SCHEMA_VERSION: {
    retryable: false,
    http: 400,
    summary: 'envelope schema_version is not understood',
  },
  HULEEDU_INVALID_SETTINGS: { retryable: false, http: 500, summary: 'invalid process settings' },
  HULEEDU_TRANSIENT: { retryable: true, http: 503, summary: 'transient failure, retry may help' },
  HULEEDU_DEPENDENCY_UNAVAILABLE: {
    retryable: true,
    http: 503,
    summary: 'a dependency (broker, database, service) is unavailable',
  },
  HULEEDU_PROCESSING_FAILED: {
    retryable: false,
    http: 422,
    summary: 'message could not be processed',
  },
  HULEEDU_RETRIES_EXHAUSTED: {
    retryable: false,
    http: 503,
    summary: 'transient failure persisted past the retry bound',
  },
  HULEEDU_NOT_FOUND: { retryable: false, http: 404, summary: 'resource not found' },
  HULEEDU_EMPTY_BODY: { retryable: false, http: 400, summary: 'request body is empty' },
  HULEEDU_PAYLOAD_TOO_LARGE: {
    retryable: false,
    http: 413,
    summary: 'request body exceeds the limit',
  },
  HULEEDU_INVALID_STORAGE_ID: {
    retryable: false,
    http: 400,
    summary: 'storage id is not 32 lowercase hex characters',
  },
  HULEEDU_UNSUPPORTED_LANGUAGE: {
    retryable: false,
    http: 400,
    summary: 'language is not supported',
  },
  HULEEDU_CLOSED: { retryable: false, http: 503, summary: 'client is closed' },
  HULEEDU_BAD_REQUEST: { retryable: false, http: 400, summary: 'the request is malformed' },
  HULEEDU_INTERNAL: { retryable: true, http: 500, summary: 'unexpected internal error' },
  HULEEDU_UNAUTHENTICATED: {
    retryable: false,
    http: 401,
    summary: 'no bearer token in the Authorization header',
  },
  HULEEDU_INVALID_TOKEN: {
    retryable: false,
    http: 401,
    summary: 'the bearer token is malformed, badly signed or lacks a subject',
  },
  HULEEDU_TOKEN_EXPIRED: { retryable: false, http: 401, summary: 'the bearer token has expired' },
  HULEEDU_RATE_LIMITED: {
    retryable: true,
    http: 429,
    summary: 'too many requests; retry after the Retry-After delay',
  },
  HULEEDU_BATCH_REFUSED: {
    retryable: false,
    http: 422,
    summary: 'the batch was refused whole; every problem is listed',
  },
  HULEEDU_UNSUPPORTED_MEDIA_TYPE: {
    retryable: false,
    http: 415,
    summary: 'the request body has a content type this endpoint does not take',
  },
  HULEEDU_CONFLICT: {
    retryable: false,
    http: 409,
    summary: 'the resource is not in a state that allows this',
  },
  HULEEDU_BRIDGE_REJECTED: {
    retryable: false,
    http: 422,
    summary:
      'the bridge cannot carry the message (too large, not JSON, no key, not a subject token)',
  },
  HULEEDU_RESULT_TIMEOUT: {
    retryable: false,
    http: 504,
    summary: 'no result for a processing request after every attempt',
  },
  HULEEDU_CRITICAL_FAILURE: {
    retryable: false,
    http: 500,
    summary: 'an essay failed critically (its content is gone for good)',
  },
  HULEEDU_DUPLICATE_EVENT: {
    retryable: true,
    http: 409,
    summary: 'an event of the batch was applied before (the batch runs again, deduplicated)',
  },
  HULEEDU_VERSION_CONFLICT: {
    retryable: true,
    http: 409,
    summary: 'another writer changed the actor first (optimistic version check)',
  },
  HULEEDU_USAGE: {
    retryable: false,
    http: 400,
    summary: 'the command line is not one the command takes',
  },
  HULEEDU_MESSAGE_REFUSED: {
    retryable: false,
    http: 500,
    summary: 'the broker refused the record for good (e.g. above max.message.bytes)',
  },
} as const satisfies Record<string, { retryable: boolean; http: number; summary: string }>;

export type ErrorCode = keyof typeof ErrorCodes;

/** Whether `code` is one of the table's codes (answers from outside carry any string). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ErrorCodes, code);
}
