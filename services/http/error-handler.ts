import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorCodes, HuleEduError } from '../../common-core/index.ts';

/** The JSON body of every error answer. */
export interface ErrorBody {
  code: string;
  message: string;
  /** What the error code's consumer needs beyond the message (e.g. every problem of a refused batch). */
  details?: Readonly<Record<string, unknown>>;
}

/** Fastify's own error codes, mapped onto ours. */
const FASTIFY_CODES: Record<string, keyof typeof ErrorCodes> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'HULEEDU_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'HULEEDU_EMPTY_BODY',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'HULEEDU_INVALID_PAYLOAD',
  FST_ERR_VALIDATION: 'HULEEDU_INVALID_PAYLOAD',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'HULEEDU_BAD_REQUEST',
  FST_ERR_BAD_URL: 'HULEEDU_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'HULEEDU_INVALID_JSON',
  FST_REQ_FILE_TOO_LARGE: 'HULEEDU_PAYLOAD_TOO_LARGE',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'HULEEDU_UNSUPPORTED_MEDIA_TYPE',
  FST_FILES_LIMIT: 'HULEEDU_PAYLOAD_TOO_LARGE',
  FST_PARTS_LIMIT: 'HULEEDU_PAYLOAD_TOO_LARGE',
  FST_JWT_NO_AUTHORIZATION_IN_HEADER: 'HULEEDU_UNAUTHENTICATED',
  FST_JWT_AUTHORIZATION_TOKEN_EXPIRED: 'HULEEDU_TOKEN_EXPIRED',
  FST_JWT_AUTHORIZATION_TOKEN_INVALID: 'HULEEDU_INVALID_TOKEN',
  FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED: 'HULEEDU_INVALID_TOKEN',
  FST_JWT_BAD_REQUEST: 'HULEEDU_INVALID_TOKEN',
  FST_JWT_BAD_COOKIE_REQUEST: 'HULEEDU_INVALID_TOKEN',
};

/**
 * Fastify's `frameworkErrors` server option: errors raised before routing (a malformed
 * %-encoding in the URL, an unparseable content type) get the platform's error shape too,
 * not Fastify's own.
 */
export function frameworkErrors(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  const code = mapped ?? 'HULEEDU_BAD_REQUEST';
  void reply
    .status(ErrorCodes[code].http)
    .send({ code, message: error.message } satisfies ErrorBody);
}

/** Every error becomes JSON `{code, message}` with the status of its code; 5xx are logged. */
export const errorHandler = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError | HuleEduError, request, reply) => {
      if (error instanceof HuleEduError) {
        const status = ErrorCodes[error.code].http;
        if (status >= 500) request.log.error({ err: error }, error.message);
        const body: ErrorBody =
          Object.keys(error.details).length > 0
            ? { code: error.code, message: error.message, details: error.details }
            : { code: error.code, message: error.message };
        return reply.status(status).send(body);
      }
      const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
      const status = mapped ? ErrorCodes[mapped].http : (error.statusCode ?? 500);
      if (status >= 500) request.log.error({ err: error }, 'unhandled error');
      const code = mapped ?? (status >= 500 ? 'HULEEDU_INTERNAL' : 'HULEEDU_BAD_REQUEST');
      const message = status >= 500 ? 'internal error' : error.message;
      return reply.status(status).send({ code, message } satisfies ErrorBody);
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({
        code: 'HULEEDU_NOT_FOUND',
        message: `no route ${request.method} ${request.url}`,
      } satisfies ErrorBody),
    );
  },
  { name: 'huleedu-error-handler' },
);
