import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Header carrying the correlation id across HTTP hops. */
export const CORRELATION_HEADER = 'x-correlation-id';

const SAFE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify `genReqId`: reuse a well-formed incoming correlation id, else make one. */
export function correlationIdOf(request: {
  headers: Record<string, string | string[] | undefined>;
}): string {
  const given = request.headers[CORRELATION_HEADER];
  return typeof given === 'string' && SAFE.test(given) ? given : randomUUID();
}

/** Sends the request's correlation id back, so callers can find the request in the logs. */
export const correlationEcho = fp(
  async (app: FastifyInstance) => {
    app.addHook('onSend', async (request, reply) => {
      reply.header(CORRELATION_HEADER, request.id);
    });
  },
  { name: 'huleedu-correlation-echo' },
);
