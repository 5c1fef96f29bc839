import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorCodes, HuleEduError } from '../../common-core/index.ts';

/** The JSON body of every error answer. */
export interface ErrorBody {
  code: string;
  message: string;
}

/** Fastify's own error codes, mapped onto ours. */
const FASTIFY_CODES: Record<string, keyof typeof ErrorCodes> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'HULEEDU_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'HULEEDU_EMPTY_BODY',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'HULEEDU_INVALID_PAYLOAD',
  FST_ERR_VALIDATION: 'HULEEDU_INVALID_PAYLOAD',
};

/** Every error becomes JSON `{code, message}` with the status of its code; 5xx are logged. */
export const errorHandler = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError | HuleEduError, request, reply) => {
      if (error instanceof HuleEduError) {
        const status = ErrorCodes[error.code].http;
        if (status >= 500) request.log.error({ err: error }, error.message);
        return reply
          .status(status)
          .send({ code: error.code, message: error.message } satisfies ErrorBody);
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
