/**
 * The platform end to end, as a teacher uses it: `npm run stack`'s processes (content,
 * lifecycle, spellchecker with the real spelling engine, bridge, api) on real Kafka, NATS and
 * Postgres, fed over HTTP with classes of 30 essays of ~400 words, ~5% of them misspelled.
 *   (a) throughput: `--essays` essays submitted as fast as the api takes them; essays/s from the
 *       first submit to the last essay final;
 *   (b) latency: per essay, submit to final (its final transition's commit time), p50 and p99,
 *       with classes offered at half the measured throughput;
 *   (c) CPU per essay of each process, Postgres and the broker during (a).
 *   npm run bench:e2e -- [--essays 3000] [--latency-essays 900] [--json]
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { LIFECYCLE_TOPICS } from '../actors/lifecycle/router.ts';
import { ApiClient } from '../cli/api-client.ts';
import { signToken } from '../cli/dev-token.ts';
import { ProcessingEvent, topicName } from '../common-core/index.ts';
import { rows } from '../db/index.ts';
import { APP_SERVICES } from '../deploy/app-services.ts';
import { createKafka, silentLogger } from '../messaging/index.ts';
import { createFreshDatabase } from '../tests/helpers/fresh-database.ts';
import { startGroupAtTopicEnds } from '../tests/helpers/infra.ts';
import { startStack } from '../tests/helpers/stack.ts';
import { waitFor } from '../tests/helpers/wait-for.ts';
import { numberArg, report } from './bench-output.ts';
import { type CpuMeter, localCpuMeter, processCpuMeter } from './local-process-cpu.ts';

const CLASS = 30;
const essays = Math.ceil(numberArg('essays', 3_000) / CLASS) * CLASS;
const latencyEssays = Math.ceil(numberArg('latency-essays', 900) / CLASS) * CLASS;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECRET = 'bench-e2e-secret-long-enough-for-hs256!!';
const token = signToken('bench-teacher', SECRET, 24 * 3600);

// ~400 words of ordinary English; every 20th word gets a typo (two letters swapped).
const VOCABULARY = (
  'the students wrote about their summer holidays and what they learned from reading books ' +
  'teachers often ask pupils to describe a journey a friend or a place where something ' +
  'important happened because writing helps them think clearly about language structure ' +
  'and ideas many young people enjoy stories about adventure families animals and science ' +
  'while others prefer poems history music sport or the environment around their school'
).split(' ');
function typo(word: string, n: number): string {
  if (word.length < 4) return `${word}e`;
  const i = 1 + (n % (word.length - 2));
  return word.slice(0, i) + (word[i + 1] as string) + (word[i] as string) + word.slice(i + 2);
}
function essayText(n: number): string {
  const words: string[] = [];
  for (let i = 0; i < 400; i++) {
    const w = VOCABULARY[(n * 37 + i * 11) % VOCABULARY.length] as string;
    words.push(i % 20 === 7 ? typo(w, n + i) : w);
    if (i % 15 === 14) words[words.length - 1] += '.';
  }
  return `${words.join(' ')}.`;
}
const classOf = (k: number) =>
  Array.from({ length: CLASS }, (_, i) => ({
    name: `essay-${k}-${i}.txt`,
    text: essayText(k * CLASS + i),
  }));

const fresh = await createFreshDatabase(base, 'huleedu_e2e_bench', { maxConnections: 2 });
const count = async (query: ReturnType<typeof sql>): Promise<number> =>
  rows<{ n: number }>(await fresh.database.db.execute(query))[0]?.n ?? 0;
const finished = () =>
  count(
    sql`select count(*)::int as n from actor_snapshots where actor_type = 'essay' and status = 'essay_all_processing_completed'`,
  );

const kafka = createKafka({ brokers, clientId: 'bench-e2e', logger: silentLogger });
const spellGroup = `bench-e2e-spell-${Date.now()}`;
const lifecycleGroup = `bench-e2e-lifecycle-${Date.now()}`;
await startGroupAtTopicEnds(kafka, spellGroup, [
  topicName(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED),
]);
await startGroupAtTopicEnds(kafka, lifecycleGroup, LIFECYCLE_TOPICS);
const stack = await startStack({
  DATABASE_URL: fresh.url,
  SPELLCHECKER_GROUP_ID: spellGroup,
  LIFECYCLE_GROUP_ID: lifecycleGroup,
  LIFECYCLE_OUTBOX_RETAIN_SENT_MS: '0',
  API_JWT_SECRET: SECRET,
  API_RATE_LIMIT_PER_MINUTE: '1000000',
  LOG_LEVEL: 'warn',
});
const client = new ApiClient(stack.apiUrl, token);

/** Submit classes, at most `inFlight` requests at a time, optionally paced; submit times by batch. */
async function submitClasses(
  first: number,
  classes: number,
  inFlight: number,
  intervalMs = 0,
): Promise<Map<string, number>> {
  const submittedAt = new Map<string, number>();
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < classes) {
      const k = next++;
      if (intervalMs > 0) {
        const due = started + k * intervalMs;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const at = Date.now();
      const r = await client.submitTexts(classOf(first + k));
      submittedAt.set(r.batch_id, at);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return submittedAt;
}

try {
  // Warm-up: JIT, connections, the spelling index in memory.
  await submitClasses(0, 4, 2);
  await waitFor('warm-up final', async () => (await finished()) === 4 * CLASS, 300_000, 200);

  // (a) throughput, with CPU meters.
  const pids = new Map(
    stack.childPids().flatMap((pid) => {
      const service = APP_SERVICES.find((s) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(s.entry);
        } catch {
          return false;
        }
      });
      return service ? [[service.name, pid] as const] : [];
    }),
  );
  const meters = new Map<string, CpuMeter>();
  for (const [name, pid] of pids) meters.set(name, processCpuMeter(pid));
  meters.set('postgres', localCpuMeter('postgres'));
  meters.set('kafka broker', localCpuMeter('java'));
  meters.set('nats', localCpuMeter('nats-server'));
  const before = await finished();
  const t0 = performance.now();
  await submitClasses(100, essays / CLASS, 8);
  const submitSeconds = (performance.now() - t0) / 1000;
  await waitFor(
    'every essay final',
    async () => (await finished()) === before + essays,
    1_800_000,
    200,
  );
  const seconds = (performance.now() - t0) / 1000;
  const essaysPerS = essays / seconds;
  const cpu: Record<string, number | null> = {};
  for (const [name, meter] of meters) cpu[name] = meter.perUnit(essays);

  // (b) latency at half that load.
  const intervalMs = (CLASS / (essaysPerS / 2)) * 1000;
  const before2 = await finished();
  const submittedAt = await submitClasses(10_000, latencyEssays / CLASS, 4, intervalMs);
  await waitFor(
    'latency round final',
    async () => (await finished()) === before2 + latencyEssays,
    1_800_000,
    200,
  );
  const latencies: number[] = [];
  for (const [batchId, at] of submittedAt) {
    const done = rows<{ t: Date | string }>(
      await fresh.database.db.execute(
        sql`select updated_at as t from actor_snapshots where actor_type = 'essay' and actor_id like ${`${batchId}-%`}`,
      ),
    );
    for (const r of done) latencies.push(new Date(r.t).getTime() - at);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  const total = Object.values(cpu).reduce<number>((n, v) => n + (v ?? 0), 0);
  const where = Object.entries(cpu)
    .filter((e): e is [string, number] => e[1] !== null)
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => `${name} ${us} µs (${Math.round((100 * us) / Math.max(total, 1))}%)`);
  report(
    `End to end through the api (${essays} essays in classes of ${CLASS}, ~400 words, ~5% misspelled)`,
    [
      `${essaysPerS.toFixed(1)} essays/s from the first submit to the last essay final (${seconds.toFixed(1)} s; submitting took ${submitSeconds.toFixed(1)} s)`,
      `latency at half that load (${latencyEssays} essays, a class every ${Math.round(intervalMs)} ms): p50 ${pct(50)} ms, p99 ${pct(99)} ms`,
      `CPU per essay: ${where.join(', ')}; ${total} µs in all (${(total / 1e6).toFixed(4)} s of CPU per essay: ${Math.round(2e6 / Math.max(total, 1))} essays/s would fill 2 cores)`,
    ],
    {
      essays_per_s: Math.round(essaysPerS * 10) / 10,
      p50_ms: pct(50),
      p99_ms: pct(99),
      ...Object.fromEntries(
        Object.entries(cpu).map(([k, v]) => [`cpu_us_per_essay_${k.replace(/\W+/g, '_')}`, v]),
      ),
      cpu_us_per_essay_total: total,
    },
  );
} finally {
  await stack.process.stop('SIGTERM');
  stack.process.killGroup();
  await fresh.drop();
}
