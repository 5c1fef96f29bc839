import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import type { Registry } from 'prom-client';
import { HuleEduError } from '../../common-core/index.ts';
import { correlationEcho, correlationIdOf } from '../http/correlation-id.ts';
import { errorHandler, frameworkErrors } from '../http/error-handler.ts';
import { httpMetrics } from '../http/http-metrics.ts';
import { timedServer } from '../http/timed-server.ts';
import {
  type ContentStore,
  isActiveContentType,
  normalizeContentType,
  STORAGE_ID,
  storageIdOf,
} from './store/content-store.ts';

export interface ContentAppDeps {
  store: ContentStore;
  /** Largest accepted upload in bytes. */
  maxBytes: number;
  /**
   * A request (headers and body) must arrive within this many ms, or the connection is closed:
   * a stalled upload may not hold its memory forever. Default 30 s.
   */
  requestTimeoutMs?: number;
  logger?: FastifyServerOptions['logger'];
  registry?: Registry;
}

const errorBody = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' } },
  required: ['code', 'message'],
} as const;

/** The content service as a Fastify app; `main.ts` listens, tests use `inject()`. */
export async function buildApp(deps: ContentAppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    genReqId: correlationIdOf,
    logController: new LogController({
      requestIdLogLabel: 'correlation_id',
      // One line per request at info would dominate the log at thousands of requests/s.
      disableRequestLogging: true,
    }),
    bodyLimit: deps.maxBytes,
    serverFactory: timedServer(deps.requestTimeoutMs ?? 30_000),
    frameworkErrors,
    // Ids come from the URL; keep them out of the router's regex engine.
    routerOptions: { maxParamLength: 200 },
  });
  await app.register(errorHandler);
  await app.register(correlationEcho);
  await app.register(httpMetrics, deps.registry ? { registry: deps.registry } : {});
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'HuleEdu content service',
        version: '0.2.0',
        description: 'Stores and serves essay texts by content hash.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // Any content type is stored as raw bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: deps.maxBytes },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/v1/content',
    {
      schema: {
        summary: 'Store a piece of content (any content type); the same bytes give the same id',
        tags: ['content'],
        response: {
          201: {
            type: 'object',
            properties: { storage_id: { type: 'string', pattern: '^[0-9a-f]{32}$' } },
            required: ['storage_id'],
          },
          400: errorBody,
          413: errorBody,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw new HuleEduError(
          'HULEEDU_EMPTY_BODY',
          'request body is empty: send the content as the raw body',
        );
      }
      const contentType = normalizeContentType(request.headers['content-type']);
      const storageId = storageIdOf(body, contentType);
      const outcome = await deps.store.put(storageId, body, contentType);
      request.log.debug({ storage_id: storageId, bytes: body.length, outcome }, 'content stored');
      return reply.status(201).send({ storage_id: storageId });
    },
  );

  app.get<{ Params: { storage_id: string } }>(
    '/v1/content/:storage_id',
    {
      schema: {
        summary: 'Fetch stored content with its original content type',
        tags: ['content'],
        params: {
          type: 'object',
          properties: { storage_id: { type: 'string' } },
          required: ['storage_id'],
        },
        response: { 400: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const { storage_id: storageId } = request.params;
      if (!STORAGE_ID.test(storageId)) {
        throw new HuleEduError(
          'HULEEDU_INVALID_STORAGE_ID',
          'storage_id must be 32 lowercase hex characters',
        );
      }
      const found = await deps.store.get(storageId);
      if (!found)
        throw new HuleEduError('HULEEDU_NOT_FOUND', `no content with storage_id ${storageId}`);
      // Never sniffed, never run: active types (HTML, SVG, script) are served as downloads.
      reply.header('x-content-type-options', 'nosniff');
      reply.header('content-security-policy', "default-src 'none'; sandbox");
      if (isActiveContentType(normalizeContentType(found.contentType)))
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-disposition', `attachment; filename="${storageId}"`)
          .send(found.body);
      return reply.header('content-type', found.contentType).send(found.body);
    },
  );

  app.get(
    '/healthz',
    { schema: { summary: 'Healthy when the store accepts writes', tags: ['operations'] } },
    async (_request, reply) => {
      const ok = await deps.store.healthy();
      return reply
        .status(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'unavailable', store: ok ? 'writable' : 'not writable' });
    },
  );

  app.addHook('onClose', async () => {
    await deps.store.close();
  });
  return app;
}
