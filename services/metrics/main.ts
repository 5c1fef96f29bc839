/** The text-metrics worker process: `npm run metrics`. */
import { pino } from 'pino';
import { loadSettings } from '../../common-core/index.ts';
import { createKafka, KafkaBus, onShutdownSignal } from '../../messaging/index.ts';
import { createContentClient } from '../content/content-client.ts';
import { runMain } from '../run-main.ts';
import { buildMetricsApp, workerRegistry } from '../spellchecker/worker.ts';
import { MetricsSettingsSchema } from './settings.ts';
import { type MetricsWorker, startMetricsWorker } from './worker.ts';

runMain('metrics', async () => {
  const s = loadSettings('metrics', MetricsSettingsSchema);
  const logger = pino({ level: s.LOG_LEVEL, base: { service: 'metrics' } });
  const { registry, messaging } = workerRegistry();
  const kafka = createKafka({ brokers: s.KAFKA_BROKERS, clientId: 'metrics', logger });
  const bus = new KafkaBus(kafka, logger, messaging, {
    partitionsConsumedConcurrently: s.METRICS_PARTITIONS_CONCURRENCY,
  });
  const content = createContentClient({
    baseUrl: s.METRICS_CONTENT_URL,
    timeoutMs: s.METRICS_HTTP_TIMEOUT_MS,
  });
  let running = false;
  let worker: MetricsWorker | undefined;
  const stalledMs = (): number => worker?.consumer.stalledMs() ?? 0;
  const metricsApp = await buildMetricsApp(
    registry,
    () => running && stalledMs() < s.HEALTH_STALL_MS,
    stalledMs,
  );
  await metricsApp.listen({ host: s.METRICS_HOST, port: s.METRICS_PORT });
  worker = await startMetricsWorker({
    bus,
    content,
    groupId: s.METRICS_GROUP_ID,
    retry: {
      maxRetries: s.METRICS_MAX_RETRIES,
      initialDelayMs: s.METRICS_RETRY_INITIAL_MS,
      maxDelayMs: s.METRICS_RETRY_MAX_MS,
    },
    logger,
    registry,
    maxBatchSize: s.METRICS_BATCH_SIZE,
    concurrency: s.METRICS_CONCURRENCY,
  });
  running = true;
  logger.info({ group: s.METRICS_GROUP_ID, metrics_port: s.METRICS_PORT }, 'metrics ready');
  onShutdownSignal(async () => {
    running = false;
    await worker?.close();
    await bus.close();
    await metricsApp.close();
  }, logger);
});
