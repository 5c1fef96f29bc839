import { HuleEduError, type HuleEduErrorOptions } from './huleedu-error.ts';

/** A payload that failed schema validation; never retried, always dead-lettered or 4xx. */
export class InvalidPayloadError extends HuleEduError {
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[], options: HuleEduErrorOptions = {}) {
    super('HULEEDU_INVALID_PAYLOAD', message, { ...options, details: { issues } });
    this.name = 'InvalidPayloadError';
    this.issues = issues;
  }
}

/** Bytes that are not JSON where JSON was required. */
export class InvalidJsonError extends HuleEduError {
  constructor(message: string, options: HuleEduErrorOptions = {}) {
    super('HULEEDU_INVALID_JSON', message, options);
    this.name = 'InvalidJsonError';
  }
}

/** An envelope whose schema_version this build does not understand. */
export class UnsupportedSchemaVersionError extends HuleEduError {
  constructor(found: unknown, supported: readonly number[]) {
    super(
      'HULEEDU_UNSUPPORTED_SCHEMA_VERSION',
      `schema_version ${JSON.stringify(found)} is not supported (supported: ${supported.join(', ')})`,
      { details: { found, supported } },
    );
    this.name = 'UnsupportedSchemaVersionError';
  }
}

/** A failure worth retrying (timeouts, a dependency restarting). */
export class TransientError extends HuleEduError {
  constructor(message: string, options: HuleEduErrorOptions = {}) {
    super('HULEEDU_TRANSIENT', message, { ...options, retryable: true });
    this.name = 'TransientError';
  }
}

/** A failure that retrying cannot fix; the message goes to the dead-letter topic. */
export class PermanentError extends HuleEduError {
  constructor(message: string, options: HuleEduErrorOptions = {}) {
    super('HULEEDU_PROCESSING_FAILED', message, { ...options, retryable: false });
    this.name = 'PermanentError';
  }
}

/** A broker, database or service did not answer. */
export class DependencyUnavailableError extends HuleEduError {
  constructor(message: string, options: HuleEduErrorOptions = {}) {
    super('HULEEDU_DEPENDENCY_UNAVAILABLE', message, { ...options, retryable: true });
    this.name = 'DependencyUnavailableError';
  }
}
