/** The spell-checker worker process: `npm run spellchecker`. */
import { pino } from 'pino';
import { loadSettings } from '../../common-core/index.ts';
import { createKafka, KafkaBus, onShutdownSignal } from '../../messaging/index.ts';
import { createContentClient } from '../content/content-client.ts';
import { runMain } from '../run-main.ts';
import { SpellcheckerSettingsSchema } from './settings.ts';
import { SpellingEngine, spellCheckWith } from './spelling/index.ts';
import { buildMetricsApp, startWorker, workerRegistry } from './worker.ts';

runMain('spellchecker', async () => {
  const s = loadSettings('spellchecker', SpellcheckerSettingsSchema);
  const logger = pino({ level: s.LOG_LEVEL, base: { service: 'spellchecker' } });
  const { registry, messaging } = workerRegistry();
  const kafka = createKafka({ brokers: s.KAFKA_BROKERS, clientId: 'spellchecker', logger });
  const bus = new KafkaBus(kafka, logger, messaging, {
    partitionsConsumedConcurrently: s.SPELLCHECKER_PARTITIONS_CONCURRENCY,
  });
  const content = createContentClient({
    baseUrl: s.SPELLCHECKER_CONTENT_URL,
    timeoutMs: s.SPELLCHECKER_HTTP_TIMEOUT_MS,
  });
  let running = false;
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  const stalledMs = (): number => worker?.consumer.stalledMs() ?? 0;
  const metricsApp = await buildMetricsApp(
    registry,
    () => running && stalledMs() < s.HEALTH_STALL_MS,
    stalledMs,
  );
  await metricsApp.listen({ host: s.SPELLCHECKER_METRICS_HOST, port: s.SPELLCHECKER_METRICS_PORT });
  worker = await startWorker({
    bus,
    content,
    spellCheck: spellCheckWith(new SpellingEngine()),
    groupId: s.SPELLCHECKER_GROUP_ID,
    retry: {
      maxRetries: s.SPELLCHECKER_MAX_RETRIES,
      initialDelayMs: s.SPELLCHECKER_RETRY_INITIAL_MS,
      maxDelayMs: s.SPELLCHECKER_RETRY_MAX_MS,
    },
    logger,
    registry,
    maxBatchSize: s.SPELLCHECKER_BATCH_SIZE,
    concurrency: s.SPELLCHECKER_CONCURRENCY,
  });
  running = true;
  logger.info(
    { group: s.SPELLCHECKER_GROUP_ID, metrics_port: s.SPELLCHECKER_METRICS_PORT },
    'spellchecker ready',
  );
  onShutdownSignal(async () => {
    running = false;
    await worker?.close();
    await bus.close();
    await metricsApp.close();
  }, logger);
});
