import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import {
  CONCLUDED_BATCH_STATUSES,
  CONCLUDED_ESSAY_STATUSES,
  ENTITY_ID_PATTERN,
  HuleEduError,
} from '../../common-core/index.ts';
import { correlationEcho, correlationIdOf } from '../../services/http/correlation-id.ts';
import { errorHandler, frameworkErrors } from '../../services/http/error-handler.ts';
import { httpMetrics } from '../../services/http/http-metrics.ts';
import type { LifecycleHost } from './host.ts';

/** The lifecycle host's query API: essay and batch state, the essay timeline, health, metrics. */
export async function buildLifecycleApp(
  host: Pick<LifecycleHost, 'runtime' | 'repository' | 'healthy' | 'stalledMs'>,
  registry: Registry,
): Promise<FastifyInstance> {
  // Params longer than any id reach the handler, which answers 400 (not the router's 414).
  const app = Fastify({
    logger: false,
    genReqId: correlationIdOf,
    routerOptions: { maxParamLength: 1_000 },
    frameworkErrors,
  });
  await app.register(errorHandler);
  await app.register(correlationEcho);
  await app.register(httpMetrics, { registry });

  /** Ids outside the id policy cannot exist; say so before they reach Postgres (NUL, 414s). */
  const checkId = (actorType: string, id: string): void => {
    if (!ENTITY_ID_PATTERN.test(id))
      throw new HuleEduError(
        'HULEEDU_BAD_REQUEST',
        `${actorType} id must be 1-128 characters of A-Z a-z 0-9 _ - :`,
      );
  };
  const actorState = async (actorType: 'essay' | 'batch', id: string) => {
    checkId(actorType, id);
    const found = await host.runtime.read(actorType, id);
    if (!found) throw new HuleEduError('HULEEDU_NOT_FOUND', `no ${actorType} ${id}`);
    return {
      [`${actorType}_id`]: id,
      status: String(found.snapshot.value),
      // Concluded: nothing follows unless a teacher retries (see CONCLUDED_*_STATUSES).
      done:
        found.snapshot.status === 'done' ||
        CONCLUDED_ESSAY_STATUSES.has(String(found.snapshot.value)) ||
        CONCLUDED_BATCH_STATUSES.has(String(found.snapshot.value)),
      version: found.version,
      context: found.snapshot.context,
    };
  };

  app.get<{ Params: { id: string } }>('/v1/essays/:id', async (req) =>
    actorState('essay', req.params.id),
  );
  app.get<{ Params: { id: string } }>('/v1/batches/:id', async (req) =>
    actorState('batch', req.params.id),
  );
  app.get<{ Params: { id: string } }>('/v1/essays/:id/timeline', async (req) => {
    checkId('essay', req.params.id);
    const rows = await host.repository.timeline('essay', req.params.id);
    if (rows.length === 0) throw new HuleEduError('HULEEDU_NOT_FOUND', `no essay ${req.params.id}`);
    return {
      essay_id: req.params.id,
      transitions: rows.map((r) => ({
        seq: r.seq,
        event_id: r.eventId,
        event_type: r.eventType,
        from: r.fromState,
        to: r.toState,
        rejected: r.rejected,
        at: r.at,
      })),
    };
  });
  app.get('/healthz', async (_req, reply) => {
    const ok = host.healthy();
    return reply
      .status(ok ? 200 : 503)
      .send({ status: ok ? 'ok' : 'unavailable', consumer_stalled_ms: host.stalledMs() });
  });
  return app;
}
