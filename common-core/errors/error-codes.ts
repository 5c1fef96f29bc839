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
  HULEEDU_MESSAGE_REFUSED: {
    retryable: false,
    http: 500,
    summary: 'the broker refused the record for good (e.g. above max.message.bytes)',
  },
} as const satisfies Record<string, { retryable: boolean; http: number; summary: string }>;

export type ErrorCode = keyof typeof ErrorCodes;
