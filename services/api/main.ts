/** The edge api process: `npm run api`. */
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { loadSettings } from '../../common-core/index.ts';
import { ActorRepository, openDatabase } from '../../db/index.ts';
import { connectNats, JetStreamPublisher, onShutdownSignal } from '../../messaging/index.ts';
import { createContentClient } from '../content/content-client.ts';
import { runMain } from '../run-main.ts';
import { buildApiApp } from './app.ts';
import type { TokenVerification } from './auth.ts';
import { BatchRegistry } from './batch-registry.ts';
import { jetStreamLiveFeed } from './live-feed.ts';
import { ApiSettingsSchema, DEVELOPMENT_JWT_SECRET } from './settings.ts';

runMain('api', async () => {
  const s = loadSettings('api', ApiSettingsSchema);
  const logger = pino({ level: s.LOG_LEVEL, base: { service: 'api' } });
  const auth: TokenVerification = s.API_JWKS_URL
    ? { jwksUrl: s.API_JWKS_URL }
    : { secret: s.API_JWT_SECRET ?? DEVELOPMENT_JWT_SECRET };
  if (!s.API_JWT_SECRET && !s.API_JWKS_URL)
    logger.warn(
      'API_JWT_SECRET is not set: tokens are checked against the development secret (never in production)',
    );
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const database = await openDatabase({
    url: s.DATABASE_URL,
    maxConnections: s.API_DB_POOL,
    onConnectionError: (err) => logger.warn({ err: err.message }, 'database connection lost'),
  });
  const nc = await connectNats(s.NATS_SERVERS, 'huleedu-api');
  const content = createContentClient({ baseUrl: s.API_CONTENT_URL, timeoutMs: 10_000 });
  const app = await buildApiApp({
    batches: new BatchRegistry(database.db),
    actors: new ActorRepository(database.db),
    content,
    publisher: new JetStreamPublisher(nc),
    live: jetStreamLiveFeed(nc, s.NATS_STREAM),
    auth,
    limits: {
      maxEssays: s.API_MAX_ESSAYS,
      maxEssayBytes: s.API_MAX_ESSAY_BYTES,
      maxFileBytes: s.API_MAX_FILE_BYTES,
      ratePerMinute: s.API_RATE_LIMIT_PER_MINUTE,
    },
    heartbeatMs: s.API_SSE_HEARTBEAT_MS,
    publishPatienceMs: s.API_PUBLISH_PATIENCE_MS,
    registry,
    logger: { level: s.LOG_LEVEL, base: { service: 'api' } },
    healthy: async () => {
      const db = await database.db.execute(sql`select 1`).then(
        () => true,
        () => false,
      );
      const nats = !nc.isClosed();
      return { ok: db && nats, checks: { database: db, nats } };
    },
  });
  onShutdownSignal(async () => {
    await app.close();
    content.close();
    await nc.drain();
    await database.close();
  }, logger);
  await app.listen({ host: s.API_HOST, port: s.API_PORT });
  logger.info({ port: s.API_PORT, docs: `http://${s.API_HOST}:${s.API_PORT}/docs` }, 'api ready');
});
