import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import {
  CONCLUDED_BATCH_STATUSES,
  derivedUuid,
  EntityIdSchema,
  formatIssues,
  HuleEduError,
  isRetryable,
  liveSubject,
  type MessagePublisher,
  type OutgoingMessage,
} from '../../common-core/index.ts';
import type { ActorRepository } from '../../db/index.ts';
import { MACHINE_DEFINITIONS, type PersistedState, upgradeSnapshot } from '../../machines/index.ts';
import { backoffDelay, sleep } from '../../messaging/index.ts';
import { DEFAULT_PIPELINE, PHASES } from '../../phases/index.ts';
import { spellcheckResultOf } from '../../phases/spellcheck/spellcheck-phase.ts';
import type { ContentClient } from '../content/content-client.ts';
import { CORRELATION_HEADER, correlationEcho, correlationIdOf } from '../http/correlation-id.ts';
import { errorHandler, frameworkErrors } from '../http/error-handler.ts';
import { httpMetrics } from '../http/http-metrics.ts';
import { timedServer } from '../http/timed-server.ts';
import {
  buildBatchReport,
  REPORT_CONTENT_TYPES,
  REPORT_FORMATS,
  renderReport,
} from '../report/index.ts';
import { authentication, type TokenVerification } from './auth.ts';
import { streamBatchEvents } from './batch-events.ts';
import type { BatchRecord, BatchRegistry, EssayRecord } from './batch-registry.ts';
import { cancelCommand, retryCommand, submissionEvents } from './commands.ts';
import { correctionsBetween } from './corrections.ts';
import {
  type EssayLimits,
  type EssayProblem,
  extractText,
  problemsOf,
  type SubmittedEssay,
} from './essay-input.ts';
import type { LiveFeed } from './live-feed.ts';
import { viewerRoutes } from './viewer/viewer-routes.ts';
import { type ActorState, batchUrls, batchView } from './views.ts';

/** Languages the pipeline implements (the spell checker's); others are refused up front. */
export const SUPPORTED_LANGUAGES = ['en'] as const;
const PUBLISH_BACKOFF = { maxRetries: 0, initialDelayMs: 100, maxDelayMs: 2_000 };

/** Batch states a retry starts from. */
const RETRYABLE_BATCH_STATUSES: ReadonlySet<string> = new Set([
  'completed_with_failures',
  'failed_critically',
]);

/** Phases a batch may ask for. */
export const SUPPORTED_PIPELINES: readonly string[] = PHASES.map((p) => p.name);

export interface ApiDeps {
  batches: BatchRegistry;
  /** The lifecycle's actor tables, read by key (see README: why the api reads them directly). */
  actors: Pick<ActorRepository, 'loadStates' | 'timeline'>;
  content: Pick<ContentClient, 'storeText' | 'fetchText'>;
  /** JetStream: the edge the bridge carries to Kafka. */
  publisher: MessagePublisher;
  live: LiveFeed;
  auth: TokenVerification;
  limits: EssayLimits & { maxFileBytes: number; ratePerMinute: number };
  heartbeatMs: number;
  /**
   * How long a publish to NATS is retried before the request fails with 503: a NATS restart
   * (seconds) is waited out instead of being passed on to every teacher. Default 30 s.
   */
  publishPatienceMs?: number;
  /** Whether the api can serve: its database and NATS answer. */
  healthy: () => Promise<{ ok: boolean; checks: Record<string, boolean> }>;
  registry?: Registry;
  logger?: FastifyServerOptions['logger'];
}

const ErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 429: ErrorSchema };

const JsonBatchSchema = z.object({
  course_code: z.string().max(100).nullable().optional(),
  language: z.string().default('en'),
  pipeline: z.array(z.string()).default([...DEFAULT_PIPELINE]),
  essays: z.array(z.object({ name: z.string(), text: z.string() })),
});

const SubmittedSchema = z.object({
  batch_id: z.string(),
  essays: z.array(z.object({ essay_id: z.string(), name: z.string() })),
  status_url: z.string(),
  events_url: z.string(),
});

const EssaySummarySchema = z.object({
  essay_id: z.string(),
  name: z.string(),
  status: z.string(),
  corrections_made: z.number().nullable(),
  /** What each phase the essay passed left on it, by phase (e.g. `metrics`: its text metrics). */
  results: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
const BatchViewSchema = z.object({
  batch_id: z.string(),
  status: z.string(),
  done: z.boolean(),
  course_code: z.string().nullable(),
  language: z.string(),
  pipeline: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
  essay_count: z.number(),
  counts: z.record(z.string(), z.number()),
  completion_percentage: z.number(),
  essays: z.array(EssaySummarySchema),
  status_url: z.string(),
  events_url: z.string(),
});
const IdParams = z.object({ id: EntityIdSchema });

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** A value of the `Idempotency-Key` header, validated. */
function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined || !IDEMPOTENCY_KEY.test(key))
    throw new HuleEduError(
      'HULEEDU_BAD_REQUEST',
      'Idempotency-Key must be 1-200 printable ASCII characters without spaces',
    );
  return key;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `n` at a time, in order of the input; resolves to the results in that order. */
async function mapLimit<T, R>(
  items: readonly T[],
  n: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** The edge api as a Fastify app; `main.ts` listens, tests use `inject()`. */
/**
 * The lifecycle's actor states as the current machines read them: a snapshot an older machine
 * version stored (a concluded actor is never loaded, so never migrated, by the lifecycle) is
 * upgraded through the definitions' migrations first.
 */
function currentStates(actors: ApiDeps['actors']): ApiDeps['actors'] {
  return {
    timeline: (actorType, actorId) => actors.timeline(actorType, actorId),
    async loadStates(keys) {
      return (await actors.loadStates(keys)).map((row) => {
        const definition = MACHINE_DEFINITIONS[row.actorType as keyof typeof MACHINE_DEFINITIONS];
        const snapshot =
          definition && row.machineVersion !== definition.version
            ? upgradeSnapshot(definition, row.snapshot as PersistedState, row.machineVersion)
            : null;
        return snapshot ? { ...row, snapshot, machineVersion: definition.version } : row;
      });
    },
  };
}

export async function buildApiApp(given: ApiDeps): Promise<FastifyInstance> {
  const deps: ApiDeps = { ...given, actors: currentStates(given.actors) };
  const app = Fastify({
    logger: deps.logger ?? false,
    genReqId: correlationIdOf,
    logController: new LogController({
      requestIdLogLabel: 'correlation_id',
      disableRequestLogging: true,
    }),
    bodyLimit: deps.limits.maxEssays * deps.limits.maxEssayBytes + 1_000_000,
    // A request must arrive within this time: stalled uploads do not hold memory forever.
    serverFactory: timedServer(120_000),
    frameworkErrors,
    // Params longer than any id reach validation, which answers 400 (not the router's 414).
    routerOptions: { maxParamLength: 1_000 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errorHandler);
  await app.register(correlationEcho);
  await app.register(httpMetrics, deps.registry ? { registry: deps.registry } : {});
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'HuleEdu api',
        version: '0.3.0',
        description:
          'Teachers submit batches of essays, read their status and follow them live. Every /v1 route needs a bearer JWT whose `sub` is the teacher.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(authentication, deps.auth);
  await app.register(rateLimit, {
    // After authentication, so that the limit is the teacher's, not the school's shared address.
    hook: 'preHandler',
    max: deps.limits.ratePerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.teacherId || request.ip,
    errorResponseBuilder: (_request, context) =>
      new HuleEduError(
        'HULEEDU_RATE_LIMITED',
        `rate limit of ${context.max} requests per minute reached; retry in ${Math.ceil(context.ttl / 1000)} s`,
      ),
  });
  await app.register(multipart, {
    throwFileSizeLimit: false,
    limits: {
      fileSize: deps.limits.maxFileBytes,
      files: deps.limits.maxEssays + 1,
      fields: 10,
      fieldSize: 10_000,
      parts: deps.limits.maxEssays + 11,
    },
  });

  /**
   * Run `call`, retrying a transient failure (NATS or the content service restarting) for up
   * to `publishPatienceMs`: a dependency that is back within seconds is waited out instead of
   * answering every teacher 503.
   */
  const patiently = async <T>(call: () => Promise<T>): Promise<T> => {
    const deadline = Date.now() + (deps.publishPatienceMs ?? 30_000);
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!isRetryable(error) || Date.now() >= deadline) throw error;
        await sleep(
          Math.min(backoffDelay(PUBLISH_BACKOFF, attempt), Math.max(0, deadline - Date.now())),
        );
      }
    }
  };
  const publish = (messages: readonly OutgoingMessage[]): Promise<void> =>
    patiently(() => deps.publisher.publish(messages));

  /** A batch of the requesting teacher, or 404 (also for another teacher's: never a hint). */
  const ownBatch = async (teacherId: string, batchId: string): Promise<BatchRecord> => {
    const batch = await deps.batches.get(batchId);
    if (!batch || batch.teacherId !== teacherId)
      throw new HuleEduError('HULEEDU_NOT_FOUND', `no batch ${batchId}`);
    return batch;
  };

  const currentView = async (batch: BatchRecord, essays: readonly EssayRecord[]) => {
    const states = await deps.actors.loadStates([
      { actorType: 'batch', actorId: batch.batchId },
      ...essays.map((e) => ({ actorType: 'essay', actorId: e.essayId })),
    ]);
    let batchState: ActorState | undefined;
    const essayStates = new Map<string, ActorState>();
    for (const s of states) {
      const snapshot = s.snapshot as { context?: Record<string, unknown> };
      const state = {
        status: s.status,
        context: snapshot.context ?? {},
        createdAt: s.createdAt,
        updatedAt: s.updatedAt,
      };
      if (s.actorType === 'batch') batchState = state;
      else essayStates.set(s.actorId, state);
    }
    return batchView(batch, essays, batchState, essayStates);
  };

  /** Essays and fields of a multipart request, with a problem per file that yields no text. */
  const readMultipart = async (
    request: FastifyRequest,
  ): Promise<{
    essays: SubmittedEssay[];
    problems: EssayProblem[];
    fields: Record<string, string>;
  }> => {
    const essays: SubmittedEssay[] = [];
    const problems: EssayProblem[] = [];
    const fields: Record<string, string> = {};
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value);
          continue;
        }
        const name = part.filename || part.fieldname;
        const bytes = await part.toBuffer();
        if (part.file.truncated) {
          problems.push({ name, problem: `is larger than ${deps.limits.maxFileBytes} bytes` });
          continue;
        }
        const extracted = await extractText(name, bytes);
        if ('problem' in extracted) problems.push({ name, problem: extracted.problem });
        else essays.push({ name, text: extracted.text });
      }
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT')
        throw new HuleEduError('HULEEDU_BATCH_REFUSED', 'the batch was refused', {
          details: {
            problems: [
              { name: '(batch)', problem: `has more than ${deps.limits.maxEssays} essays` },
            ],
          },
        });
      throw error;
    }
    return { essays, problems, fields };
  };

  app.post(
    '/v1/batches',
    {
      schema: {
        summary: 'Submit a batch of essays',
        description:
          'JSON `{course_code?, language?, pipeline?, essays: [{name, text}]}` or multipart files (.txt as UTF-8, .docx, .pdf) with optional fields course_code and language. Checked whole before anything is stored: a bad batch is refused with every problem listed. `Idempotency-Key`: the same key from the same teacher returns the same batch and publishes nothing new.',
        response: {
          202: SubmittedSchema,
          ...errors,
          413: ErrorSchema,
          415: ErrorSchema,
          422: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const teacherId = request.teacherId;
      const key = idempotencyKeyOf(request.headers['idempotency-key']);
      const answer = (batch: BatchRecord, essays: readonly EssayRecord[]) =>
        reply.status(202).send({
          batch_id: batch.batchId,
          essays: essays.map((e) => ({ essay_id: e.essayId, name: e.name })),
          ...batchUrls(batch.batchId),
        });
      /** Publish a recorded batch's events (again: ids are deterministic) and mark it published. */
      const publishBatch = async (batch: BatchRecord, essays: readonly EssayRecord[]) => {
        await publish(submissionEvents(batch, essays));
        await deps.batches.markPublished(batch.batchId);
      };
      if (key !== undefined) {
        const existing = await deps.batches.findByIdempotencyKey(teacherId, key);
        if (existing) {
          const essays = await deps.batches.essays(existing.batchId);
          // A request that crashed between recording and publishing is finished now.
          if (existing.publishedAt === null) await publishBatch(existing, essays);
          reply.header('idempotent-replayed', 'true');
          return answer(existing, essays);
        }
      }

      let input: {
        courseCode: string | null;
        language: string;
        pipeline: string[];
        essays: SubmittedEssay[];
      };
      const problems: EssayProblem[] = [];
      if (request.isMultipart()) {
        const parsed = await readMultipart(request);
        problems.push(...parsed.problems);
        input = {
          courseCode: parsed.fields.course_code?.trim() || null,
          language: parsed.fields.language?.trim() || 'en',
          pipeline: [...DEFAULT_PIPELINE],
          essays: parsed.essays,
        };
      } else {
        if (!request.headers['content-type']?.startsWith('application/json'))
          throw new HuleEduError(
            'HULEEDU_UNSUPPORTED_MEDIA_TYPE',
            'send application/json or multipart/form-data',
          );
        const parsed = JsonBatchSchema.safeParse(request.body);
        if (!parsed.success)
          throw new HuleEduError(
            'HULEEDU_INVALID_PAYLOAD',
            'the batch is not in the expected shape',
            {
              details: { problems: formatIssues(parsed.error) },
            },
          );
        input = {
          courseCode: parsed.data.course_code ?? null,
          language: parsed.data.language,
          pipeline: parsed.data.pipeline,
          essays: parsed.data.essays,
        };
      }
      problems.push(...problemsOf(input.essays, deps.limits));
      if (!(SUPPORTED_LANGUAGES as readonly string[]).includes(input.language))
        problems.push({
          name: '(batch)',
          problem: `language ${JSON.stringify(input.language.slice(0, 20))} is not supported (supported: ${SUPPORTED_LANGUAGES.join(', ')})`,
        });
      const unknownPhases = input.pipeline.filter((p) => !SUPPORTED_PIPELINES.includes(p));
      if (input.pipeline.length === 0 || unknownPhases.length > 0)
        problems.push({
          name: '(batch)',
          problem: `pipeline must list phases from: ${SUPPORTED_PIPELINES.join(', ')}`,
        });
      if (input.courseCode !== null && input.courseCode.length > 100)
        problems.push({ name: '(batch)', problem: 'course_code is over 100 characters' });
      if (problems.length > 0)
        throw new HuleEduError(
          'HULEEDU_BATCH_REFUSED',
          `the batch was refused: ${problems.length} problem(s); nothing was stored`,
          { details: { problems } },
        );

      const correlationId = UUID.test(request.id) ? request.id : randomUUID();
      const textIds = await mapLimit(input.essays, 16, (e) =>
        patiently(() => deps.content.storeText(e.text, correlationId)),
      );
      const batchId = key === undefined ? randomUUID() : derivedUuid('api-batch', teacherId, key);
      const essays: EssayRecord[] = input.essays.map((e, i) => ({
        essayId: `${batchId}-${String(i + 1).padStart(4, '0')}`,
        batchId,
        position: i,
        name: e.name,
        textStorageId: textIds[i] as string,
      }));
      const { batch, created } = await deps.batches.create(
        {
          batchId,
          teacherId,
          idempotencyKey: key ?? null,
          courseCode: input.courseCode,
          language: input.language,
          pipeline: input.pipeline,
          essayCount: essays.length,
          correlationId,
        },
        essays,
      );
      const recorded = created ? essays : await deps.batches.essays(batch.batchId);
      if (created || batch.publishedAt === null) await publishBatch(batch, recorded);
      request.log.info(
        { batch_id: batch.batchId, essays: recorded.length, teacher: teacherId },
        'batch submitted',
      );
      return answer(batch, recorded);
    },
  );

  app.get(
    '/v1/batches',
    {
      schema: {
        summary: "The teacher's batches, newest first",
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(100).default(20),
          cursor: z.string().max(200).optional(),
        }),
        response: {
          200: z.object({
            batches: z.array(
              z.object({
                batch_id: z.string(),
                course_code: z.string().nullable(),
                essay_count: z.number(),
                created_at: z.string(),
                status_url: z.string(),
              }),
            ),
            next_cursor: z.string().nullable(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const page = await deps.batches.list(
        request.teacherId,
        request.query.limit,
        request.query.cursor,
      );
      if (!page)
        throw new HuleEduError('HULEEDU_BAD_REQUEST', 'cursor is not one this api gave out');
      return {
        batches: page.batches.map((b) => ({
          batch_id: b.batchId,
          course_code: b.courseCode,
          essay_count: b.essayCount,
          created_at: b.createdAt,
          status_url: batchUrls(b.batchId).status_url,
        })),
        next_cursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/v1/batches/:id',
    {
      schema: {
        summary: 'A batch: status, counts per essay status, completion and every essay',
        params: IdParams,
        response: { 200: BatchViewSchema, ...errors },
      },
    },
    async (request) => {
      const batch = await ownBatch(request.teacherId, request.params.id);
      return currentView(batch, await deps.batches.essays(batch.batchId));
    },
  );

  app.get(
    '/v1/batches/:id/events',
    {
      schema: {
        summary: "Server-Sent Events of the batch's status changes",
        description:
          'A new client first gets `snapshot` (the batch as GET /v1/batches/:id shows it), then `essay_status` and `batch_status` events in order, each with an `id`; `end` closes the stream once the batch and every essay are final. Reconnect with `Last-Event-ID` (or `?last_event_id=`) to get what was missed and nothing twice. `: heartbeat` comments keep the connection open. A browser may pass the token as `?access_token=`.',
        params: IdParams,
        querystring: z.object({
          last_event_id: z.coerce.number().int().min(0).optional(),
          access_token: z.string().optional(),
        }),
      },
    },
    async (request, reply) => {
      const batch = await ownBatch(request.teacherId, request.params.id);
      const essays = await deps.batches.essays(batch.batchId);
      const header = request.headers['last-event-id'];
      const fromHeader =
        typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : undefined;
      const lastEventId = fromHeader ?? request.query.last_event_id;
      const abort = new AbortController();
      request.raw.on('close', () => abort.abort());
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        [CORRELATION_HEADER]: request.id,
      });
      reply.raw.write('retry: 2000\n\n');
      await streamBatchEvents(reply.raw, {
        batchId: batch.batchId,
        subject: liveSubject(batch.batchId),
        essayIds: essays.map((e) => e.essayId),
        live: deps.live,
        lastEventId,
        snapshot: () => currentView(batch, essays),
        heartbeatMs: deps.heartbeatMs,
        signal: abort.signal,
        onError: (error) => request.log.error({ err: error }, 'live stream failed'),
      });
    },
  );

  app.post(
    '/v1/batches/:id/cancel',
    {
      schema: {
        summary: 'Cancel a batch that has not finished',
        params: IdParams,
        response: {
          202: z.object({ batch_id: z.string(), status: z.literal('cancel_requested') }),
          ...errors,
          409: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const batch = await ownBatch(request.teacherId, request.params.id);
      const [state] = await deps.actors.loadStates([
        { actorType: 'batch', actorId: batch.batchId },
      ]);
      if (state && CONCLUDED_BATCH_STATUSES.has(state.status))
        throw new HuleEduError(
          'HULEEDU_CONFLICT',
          `batch ${batch.batchId} is already ${state.status}`,
        );
      await publish([cancelCommand(batch, `cancelled by ${request.teacherId}`)]);
      return reply
        .status(202)
        .send({ batch_id: batch.batchId, status: 'cancel_requested' as const });
    },
  );

  app.post(
    '/v1/batches/:id/retry',
    {
      schema: {
        summary: "Run the phase again for a concluded batch's failed essays",
        description:
          'Only a batch that completed with failures or failed critically can be retried; the essays that succeeded keep their results. `Idempotency-Key`: the same key retries once.',
        params: IdParams,
        response: {
          202: z.object({
            batch_id: z.string(),
            status: z.literal('retry_requested'),
            essay_ids: z.array(z.string()),
          }),
          ...errors,
          409: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const batch = await ownBatch(request.teacherId, request.params.id);
      const key = idempotencyKeyOf(request.headers['idempotency-key']);
      const [state] = await deps.actors.loadStates([
        { actorType: 'batch', actorId: batch.batchId },
      ]);
      // The essays that failed a phase and left the pipeline there (the batch's `droppedIds`).
      const context = (state?.snapshot as { context?: { droppedIds?: unknown } } | undefined)
        ?.context;
      const failed = Array.isArray(context?.droppedIds) ? (context.droppedIds as string[]) : [];
      if (!state || !RETRYABLE_BATCH_STATUSES.has(state.status) || failed.length === 0)
        throw new HuleEduError(
          'HULEEDU_CONFLICT',
          `batch ${batch.batchId} is ${state?.status ?? 'not started'}; only a batch that completed with failures or failed critically can be retried`,
        );
      await publish([retryCommand(batch, key ?? randomUUID())]);
      return reply
        .status(202)
        .send({ batch_id: batch.batchId, status: 'retry_requested' as const, essay_ids: failed });
    },
  );

  /** An essay of the requesting teacher, or 404. */
  app.get(
    '/v1/batches/:id/report',
    {
      schema: {
        summary:
          "The teacher's report of a batch: each essay's text with its corrections in place (html, the default), or the same as json or csv",
        params: IdParams,
        querystring: z.object({ format: z.enum(REPORT_FORMATS).default('html') }),
        response: {
          200: z.unknown().describe('text/html, application/json (the report model) or text/csv'),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const batch = await ownBatch(request.teacherId, request.params.id);
      const essays = await deps.batches.essays(batch.batchId);
      const view = await currentView(batch, essays);
      const states = await deps.actors.loadStates(
        essays.map((e) => ({ actorType: 'essay', actorId: e.essayId })),
      );
      const correctedIds = new Map<string, string>();
      const results = new Map<string, Record<string, unknown>>();
      for (const s of states) {
        const context = (s.snapshot as { context?: { results?: Record<string, unknown> } }).context;
        const id = spellcheckResultOf(context?.results)?.correctedTextStorageId;
        if (id) correctedIds.set(s.actorId, id);
        if (context?.results) results.set(s.actorId, context.results);
      }
      const texts = await mapLimit(essays, 8, async (e) => {
        const correctedId = correctedIds.get(e.essayId);
        const [text, correctedText] = await Promise.all([
          deps.content.fetchText(e.textStorageId, request.id),
          correctedId ? deps.content.fetchText(correctedId, request.id) : null,
        ]);
        return { text, correctedText };
      });
      const report = buildBatchReport(
        { batchId: batch.batchId, status: view.status },
        view.essays.map((summary, i) => ({
          name: summary.name,
          essayId: summary.essay_id,
          status: summary.status,
          error: summary.error,
          text: texts[i]?.text ?? null,
          correctedText: texts[i]?.correctedText ?? null,
          results: results.get(summary.essay_id) ?? {},
        })),
      );
      const format = request.query.format;
      reply.header('content-type', REPORT_CONTENT_TYPES[format]);
      if (format === 'csv')
        reply.header('content-disposition', `attachment; filename="report-${batch.batchId}.csv"`);
      if (format === 'html')
        reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
      return reply.send(renderReport(report, format));
    },
  );

  const ownEssay = async (teacherId: string, essayId: string) => {
    const essay = await deps.batches.essay(essayId);
    if (!essay) throw new HuleEduError('HULEEDU_NOT_FOUND', `no essay ${essayId}`);
    const batch = await deps.batches.get(essay.batchId);
    if (!batch || batch.teacherId !== teacherId)
      throw new HuleEduError('HULEEDU_NOT_FOUND', `no essay ${essayId}`);
    return { essay, batch };
  };

  app.get(
    '/v1/essays/:id',
    {
      schema: {
        summary: 'An essay: status, stored texts, the corrected text and every correction',
        params: IdParams,
        response: {
          200: EssaySummarySchema.extend({
            batch_id: z.string(),
            original_text_storage_id: z.string(),
            corrected_text_storage_id: z.string().nullable(),
            corrected_text: z.string().nullable(),
            corrections: z.array(
              z.object({
                start: z.number(),
                end: z.number(),
                original: z.string(),
                replacement: z.string(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { essay, batch } = await ownEssay(request.teacherId, request.params.id);
      const view = await currentView(batch, [essay]);
      const summary = view.essays[0];
      if (!summary) throw new HuleEduError('HULEEDU_NOT_FOUND', `no essay ${essay.essayId}`);
      const [state] = await deps.actors.loadStates([
        { actorType: 'essay', actorId: essay.essayId },
      ]);
      const context = (state?.snapshot as { context?: Record<string, unknown> } | undefined)
        ?.context;
      const correctedId =
        spellcheckResultOf(context?.results as Record<string, unknown> | undefined)
          ?.correctedTextStorageId ?? null;
      let correctedText: string | null = null;
      let corrections: ReturnType<typeof correctionsBetween> = [];
      if (correctedId) {
        const [original, corrected] = await Promise.all([
          deps.content.fetchText(essay.textStorageId, request.id),
          deps.content.fetchText(correctedId, request.id),
        ]);
        correctedText = corrected;
        corrections = correctionsBetween(original, corrected);
      }
      return {
        ...summary,
        batch_id: batch.batchId,
        original_text_storage_id: essay.textStorageId,
        corrected_text_storage_id: correctedId,
        corrected_text: correctedText,
        corrections,
      };
    },
  );

  app.get(
    '/v1/essays/:id/timeline',
    {
      schema: {
        summary: "Every transition of the essay's lifecycle",
        params: IdParams,
        response: {
          200: z.object({
            essay_id: z.string(),
            transitions: z.array(
              z.object({
                seq: z.number(),
                event_type: z.string(),
                from: z.string().nullable(),
                to: z.string(),
                rejected: z.boolean(),
                at: z.string(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { essay } = await ownEssay(request.teacherId, request.params.id);
      const rows = await deps.actors.timeline('essay', essay.essayId);
      return {
        essay_id: essay.essayId,
        transitions: rows.map((r) => ({
          seq: r.seq,
          event_type: r.eventType,
          from: r.fromState,
          to: r.toState,
          rejected: r.rejected,
          at: r.at,
        })),
      };
    },
  );

  await viewerRoutes(app);

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    const health = await deps.healthy();
    return reply
      .status(health.ok ? 200 : 503)
      .send({ status: health.ok ? 'ok' : 'unavailable', checks: health.checks });
  });
  return app;
}
