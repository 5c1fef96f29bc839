/**
 * Essays per second through the spell-checker worker with real Kafka and the content service
 * (its own process): 400-word essays with about 5% misspellings. Requests and results use
 * fresh topics so earlier data does not count.
 *   npm run bench:spellchecker -- [--essays 1000] [--json]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import {
  createKafka,
  ensureTopics,
  KafkaBus,
  KafkaPublisher,
  silentLogger,
} from '../messaging/index.ts';
import { createContentClient } from '../services/content/content-client.ts';
import {
  BASIC_LEARNER_ERRORS,
  learnerDictionaryEngine,
} from '../services/spellchecker/engine/learner-dictionary-engine.ts';
import { startWorker } from '../services/spellchecker/worker.ts';
import { spellcheckRequest } from '../tests/helpers/envelopes.ts';
import { freePort, startProcess } from '../tests/helpers/processes.ts';
import { numberArg, report } from './bench-output.ts';
import { learnerEssay } from './learner-essay.ts';

const essays = numberArg('essays', 1000);
const dir = mkdtempSync(join(tmpdir(), 'bench-spell-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const content = await startProcess(
  'services/content/main.ts',
  { CONTENT_PORT: String(port), CONTENT_STORE_PATH: dir, LOG_LEVEL: 'info' },
  /content service ready/,
);
const kafka = createKafka({
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  clientId: 'bench-spell',
  logger: silentLogger,
});
const id = randomUUID().slice(0, 8);
const topics = { request: `bench.spell.req.${id}`, result: `bench.spell.res.${id}` };
await ensureTopics(kafka, {
  topics: [topics.request, topics.result, `${topics.request}.DLT`],
  partitions: 3,
  replicationFactor: 1,
  timeoutMs: 30_000,
  logger: silentLogger,
});

const client = createContentClient({ baseUrl: base, timeoutMs: 10_000 });
const textIds = await Promise.all(
  Array.from({ length: essays }, (_, i) => client.storeText(learnerEssay(i))),
);
const bus = new KafkaBus(kafka, silentLogger, undefined, { partitionsConsumedConcurrently: 3 });
const worker = await startWorker({
  bus,
  content: createContentClient({ baseUrl: base, timeoutMs: 10_000 }),
  spellCheck: learnerDictionaryEngine(BASIC_LEARNER_ERRORS),
  groupId: `bench-spellchecker-${id}`,
  retry: { maxRetries: 3, initialDelayMs: 100, maxDelayMs: 1000 },
  logger: silentLogger,
  registry: new Registry(),
  topics,
});
let results = 0;
let failed = 0;
let done: () => void = () => {};
const finished = new Promise<void>((r) => {
  done = r;
});
const reader = await bus.consume({
  groupId: `bench-reader-${id}`,
  topics: [topics.result],
  decode: (m) => JSON.parse(Buffer.from(m.value).toString()) as { data: { status: string } },
  handle: async (env) => {
    if (env.data.status !== 'spellchecked_success') failed++;
    if (++results === essays) done();
  },
});
const publisher = await KafkaPublisher.connect(kafka);
const started = performance.now();
const requests = textIds.map((textId, i) => {
  const env = spellcheckRequest(`essay-${i}`);
  (env.data as { text_storage_id: string }).text_storage_id = textId;
  return { topic: topics.request, key: `essay-${i}`, value: Buffer.from(JSON.stringify(env)) };
});
for (let i = 0; i < requests.length; i += 500) await publisher.publish(requests.slice(i, i + 500));
await finished;
const seconds = (performance.now() - started) / 1000;
await Promise.all([publisher.close(), reader.close(), worker.close()]);
await bus.close();
client.close();
await content.stop();
const admin = kafka.admin();
await admin.connect();
await admin
  .deleteTopics({ topics: [topics.request, topics.result, `${topics.request}.DLT`] })
  .catch(() => {});
await admin.disconnect();
rmSync(dir, { recursive: true, force: true });

const perS = Math.round(essays / seconds);
report(
  `Spell-checker worker: ${essays} essays of 400 words (~5% misspelled), real Kafka + content service`,
  [
    `${perS} essays/s (${seconds.toFixed(2)} s end to end, ${failed} failed results)`,
    'engine: interim learner-dictionary engine',
  ],
  { essays_per_s: perS, essays, failed },
);
