import { type ErrorCode, ErrorCodes } from './error-codes.ts';

export interface HuleEduErrorOptions {
  /** Overrides the code's default retry flag (e.g. a handler that knows better). */
  retryable?: boolean;
  cause?: unknown;
  details?: Readonly<Record<string, unknown>>;
}

/** Base of every error the platform raises on purpose: a stable code and a retry flag. */
export class HuleEduError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: HuleEduErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HuleEduError';
    this.code = code;
    this.retryable = options.retryable ?? ErrorCodes[code].retryable;
    this.details = options.details ?? {};
  }

  /** A JSON body for HTTP answers and dead letters. */
  toJSON(): {
    code: ErrorCode;
    message: string;
    retryable: boolean;
    details: Readonly<Record<string, unknown>>;
  } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      details: this.details,
    };
  }
}

/** True for errors that say a retry can help; unknown errors are treated as transient. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof HuleEduError) return error.retryable;
  return true;
}
