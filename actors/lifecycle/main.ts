/** The lifecycle host process (`npm run lifecycle`): Kafka -> essay/batch actors -> Postgres. */
import { pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { loadSettings } from '../../common-core/index.ts';
import { openDatabase } from '../../db/index.ts';
import {
  createKafka,
  KafkaBus,
  MessagingMetrics,
  onShutdownSignal,
} from '../../messaging/index.ts';
import { runMain } from '../../services/run-main.ts';
import { StatelyInspector } from '../inspect/index.ts';
import { buildLifecycleApp } from './app.ts';
import { startLifecycleHost } from './host.ts';
import { LifecycleSettingsSchema } from './settings.ts';

runMain('lifecycle', async () => {
  const s = loadSettings('lifecycle', LifecycleSettingsSchema);
  const logger = pino({ level: s.LOG_LEVEL, base: { service: 'lifecycle' } });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const database = await openDatabase({
    url: s.DATABASE_URL,
    maxConnections: s.LIFECYCLE_DB_POOL,
    onConnectionError: (err) => logger.warn({ err: err.message }, 'database connection lost'),
  });
  const kafka = createKafka({ brokers: s.KAFKA_BROKERS, clientId: 'lifecycle', logger });
  const bus = new KafkaBus(kafka, logger, MessagingMetrics.for(registry), {
    partitionsConsumedConcurrently: s.LIFECYCLE_PARTITIONS_CONCURRENCY,
  });
  // The XState inspector, when asked for: bounded, never slows or stops processing.
  const inspector = s.LIFECYCLE_INSPECT
    ? new StatelyInspector({
        url: s.LIFECYCLE_INSPECT,
        onProblem: (message) => logger.warn({ inspector: s.LIFECYCLE_INSPECT }, message),
      })
    : undefined;
  if (inspector) logger.info({ url: s.LIFECYCLE_INSPECT }, 'reporting actors to the inspector');
  const host = await startLifecycleHost({
    ...(inspector ? { observer: inspector } : {}),
    bus,
    database,
    logger,
    registry,
    groupId: s.LIFECYCLE_GROUP_ID,
    maxBatchSize: s.LIFECYCLE_MAX_BATCH_SIZE,
    cacheMaxActors: s.LIFECYCLE_CACHE_MAX_ACTORS,
    cacheIdleMs: s.LIFECYCLE_CACHE_IDLE_MS,
    outboxRetainSentMs: s.LIFECYCLE_OUTBOX_RETAIN_SENT_MS,
    stallAfterMs: s.HEALTH_STALL_MS,
    essayDefaults: {
      maxAttempts: s.LIFECYCLE_MAX_ATTEMPTS,
      resultTimeoutMs: s.LIFECYCLE_RESULT_TIMEOUT_MS,
    },
  });
  const app = await buildLifecycleApp(host, registry);
  await app.listen({ host: s.LIFECYCLE_HOST, port: s.LIFECYCLE_PORT });
  logger.info({ port: s.LIFECYCLE_PORT, group: s.LIFECYCLE_GROUP_ID }, 'lifecycle host ready');
  onShutdownSignal(async () => {
    await app.close();
    await host.close();
    inspector?.stop();
    await bus.close();
    await database.close();
  }, logger);
});
