/**
 * Essays per second through the spell-checker worker with real Kafka and the content service
 * (its own process): 400-word essays with about 5% misspellings, once with the real spelling
 * engine and once with the table-only test engine (what the pipeline itself costs), beside the
 * engine alone (a machine-speed reference). Each run uses fresh topics and a fresh group.
 *   npm run bench:spellchecker -- [--essays 1000] [--json]
 * JSON: essays_per_s (real engine), essays_per_s_table_engine, engine_essays_per_s, failed.
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
import type { SpellCheckFn } from '../services/spellchecker/engine/spell-check.ts';
import { SpellingEngine, spellCheckWith } from '../services/spellchecker/spelling/index.ts';
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
const client = createContentClient({ baseUrl: base, timeoutMs: 10_000 });
const textIds = await Promise.all(
  Array.from({ length: essays }, (_, i) => client.storeText(learnerEssay(i))),
);
const bus = new KafkaBus(kafka, silentLogger, undefined, { partitionsConsumedConcurrently: 3 });
const publisher = await KafkaPublisher.connect(kafka);

/** Topics to delete at the end (deleted between runs, a later run's publish was refused). */
const created: string[] = [];

/** Essays/s through a worker checking with `spellCheck`, on topics of its own. */
async function measure(spellCheck: SpellCheckFn): Promise<{ perS: number; failed: number }> {
  const id = randomUUID().slice(0, 8);
  const topics = { request: `bench.spell.req.${id}`, result: `bench.spell.res.${id}` };
  const all = [topics.request, topics.result, `${topics.request}.DLT`];
  await ensureTopics(kafka, {
    topics: all,
    partitions: 3,
    replicationFactor: 1,
    timeoutMs: 30_000,
    logger: silentLogger,
  });
  const worker = await startWorker({
    bus,
    content: createContentClient({ baseUrl: base, timeoutMs: 10_000 }),
    spellCheck,
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
  const started = performance.now();
  const requests = textIds.map((textId, i) => {
    const env = spellcheckRequest(`essay-${i}`);
    (env.data as { text_storage_id: string }).text_storage_id = textId;
    return { topic: topics.request, key: `essay-${i}`, value: Buffer.from(JSON.stringify(env)) };
  });
  for (let i = 0; i < requests.length; i += 500)
    await publisher.publish(requests.slice(i, i + 500));
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all([reader.close(), worker.close()]);
  created.push(...all);
  return { perS: Math.round(essays / seconds), failed };
}

// The table-only engine first: the pipeline's own overhead (Kafka, content service, worker).
const table = await measure(learnerDictionaryEngine(BASIC_LEARNER_ERRORS));
// The real engine (loaded before the clock starts), and alone on the same essays in this process.
const engine = new SpellingEngine();
const real = await measure(spellCheckWith(engine));
const texts = Array.from({ length: essays }, (_, i) => learnerEssay(i));
const t0 = performance.now();
for (const t of texts) engine.check(t, 'en');
const enginePerS = Math.round(essays / ((performance.now() - t0) / 1000));
await publisher.close();
await bus.close();
const admin = kafka.admin();
await admin.connect();
await admin.deleteTopics({ topics: created }).catch(() => {});
await admin.disconnect();
client.close();
await content.stop();
rmSync(dir, { recursive: true, force: true });

report(
  `Spell-checker worker: ${essays} essays of 400 words (~5% misspelled), real Kafka + content service`,
  [
    `real spelling engine: ${real.perS} essays/s (${real.failed} failed results)`,
    `table-only engine (the pipeline's overhead): ${table.perS} essays/s (${table.failed} failed results)`,
    `the engine alone on the same essays, this process (machine reference): ${enginePerS} essays/s`,
  ],
  {
    essays,
    essays_per_s: real.perS,
    essays_per_s_table_engine: table.perS,
    engine_essays_per_s: enginePerS,
    failed: real.failed + table.failed,
  },
);
