/**
 * One lifecycle host's capacity, end to end: the host process (`actors/lifecycle/main.ts`, as
 * `npm run lifecycle` runs it) consumes the flow's events from Kafka, runs the actors, commits to
 * Postgres, and its relay publishes the outbox back to Kafka — where the host consumes its own
 * status events and batch outcomes again, as in production. Unlike `bench:actors` (the runtime
 * alone) this includes consuming, decoding, the timer poller and the relay on the host's one
 * main thread.
 *
 * Essays come in classes (batches) of `--class`: content provisioned and the batch registered
 * (each batch then starts its spellcheck phase itself); once every request is out, a
 * successful spellcheck result per essay (the spellchecker's part, published by this
 * benchmark). Measured from the first event published to the last essay and batch final. A
 * warm-up round on other classes comes first (JIT). The host runs in a fresh database and
 * consumer group, from the topics' current ends.
 *   npm run bench:host -- [--essays 10000] [--class 100] [--warmup <essays>] [--delete-sent] [--json]
 */
import { sql } from 'drizzle-orm';
import { LIFECYCLE_TOPICS } from '../actors/lifecycle/router.ts';
import type { OutgoingMessage } from '../common-core/index.ts';
import { rows } from '../db/index.ts';
import { createKafka, KafkaPublisher, silentLogger } from '../messaging/index.ts';
import { FlowFixture } from '../tests/helpers/flow.ts';
import { createFreshDatabase } from '../tests/helpers/fresh-database.ts';
import { startGroupAtTopicEnds } from '../tests/helpers/infra.ts';
import { freePort, type RunningProcess, startProcess } from '../tests/helpers/processes.ts';
import { waitFor } from '../tests/helpers/wait-for.ts';
import { numberArg, report } from './bench-output.ts';
import { localCpuMeter, processCpuMeter } from './local-process-cpu.ts';

const essays = numberArg('essays', 10_000);
const classSize = numberArg('class', 100);
const warmup = numberArg('warmup', Math.min(essays, 5_000));
const deleteSent = process.argv.includes('--delete-sent');
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const groupId = `bench-host-${Date.now()}`;
const kafka = createKafka({ brokers, clientId: 'bench-host', logger: silentLogger });

const { database, url, drop } = await createFreshDatabase(base, 'huleedu_host_bench', {
  maxConnections: 2,
});

/**
 * Counts the benchmark polls while the host works. Each is cheap (a few index lookups or a small
 * table), or the polling would take the CPU it measures: batches by id; requests out as armed
 * result timeouts (one per essay in progress; the warm-up's were all cancelled); finished
 * essays over the whole table, polled only in the last phase.
 */
async function count(query: ReturnType<typeof sql>): Promise<number> {
  return rows<{ n: number }>(await database.db.execute(query))[0]?.n ?? 0;
}
const batchesIn = (classes: readonly FlowFixture[], status: string) =>
  count(
    sql`select count(*)::int as n from actor_snapshots where actor_type = 'batch' and actor_id = any(${sql.param(classes.map((c) => c.batchId))}::text[]) and status = ${status}`,
  );
const requestsOut = () =>
  count(sql`select count(*)::int as n from timers where timer_key = 'spellcheck-result-timeout'`);
/** Applied and rejected events so far (all of this database's actors). */
async function journalCounts(): Promise<{ applied: number; rejected: number }> {
  const [r] = rows<{ applied: number; rejected: number }>(
    await database.db.execute(
      sql`select count(*) filter (where not rejected)::int as applied, count(*) filter (where rejected)::int as rejected from journal`,
    ),
  );
  return r ?? { applied: 0, rejected: 0 };
}
const essaysFinished = () =>
  count(
    sql`select count(*)::int as n from actor_snapshots where actor_type = 'essay' and status = 'essay_all_processing_completed'`,
  );

/** Publish in slices: one produce request per slice, as an edge service's batches would be. */
async function publishAll(publisher: KafkaPublisher, messages: OutgoingMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 1_000)
    await publisher.publish(messages.slice(i, i + 1_000));
}

/** One round: every class through the whole spellcheck flow; resolves when all are final. */
async function runFlow(
  host: RunningProcess,
  publisher: KafkaPublisher,
  classes: readonly FlowFixture[],
): Promise<void> {
  const essayCount = classes.reduce((n, c) => n + c.essayIds.length, 0);
  const finishedBefore = await essaysFinished();
  const until = (what: string, done: () => Promise<boolean>) =>
    waitFor(
      what,
      () => {
        // A host that died will not finish: say so now, with its last words.
        // (Killed by a signal, a child has a signalCode and no exitCode.)
        const { exitCode, signalCode } = host.child;
        if (exitCode !== null || signalCode !== null)
          throw new Error(
            `lifecycle host exited (${exitCode ?? signalCode}) while waiting for ${what}:\n${host.output().slice(-2_000)}`,
          );
        return done();
      },
      600_000,
      100,
    );
  await publishAll(
    publisher,
    classes.flatMap((c) => [...c.essayIds.map((id) => c.provisioned(id)), c.registered()]),
  );
  // Each batch starts its phase itself once its essays are provisioned.
  await until('every request sent', async () => (await requestsOut()) === essayCount);
  await publishAll(
    publisher,
    classes.flatMap((c) => c.essayIds.map((id) => c.result(id, true))),
  );
  await until(
    'every batch final',
    async () => (await batchesIn(classes, 'completed_successfully')) === classes.length,
  );
  await until(
    'every essay final',
    async () => (await essaysFinished()) === finishedBefore + essayCount,
  );
}

const classesOf = (count: number): FlowFixture[] =>
  Array.from({ length: Math.ceil(count / classSize) }, () => FlowFixture.create(classSize));

// A new group would read the topics from their beginning (every earlier run's events): start
// it at their current ends instead.
await startGroupAtTopicEnds(kafka, groupId, LIFECYCLE_TOPICS);

const host = await startProcess(
  'actors/lifecycle/main.ts',
  {
    KAFKA_BROKERS: brokers.join(','),
    DATABASE_URL: url,
    LIFECYCLE_GROUP_ID: groupId,
    LIFECYCLE_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
    ...(deleteSent ? { LIFECYCLE_OUTBOX_RETAIN_SENT_MS: '0' } : {}),
  },
  /lifecycle host ready/,
  60_000,
  // As `npm run lifecycle` starts it.
  ['--max-semi-space-size=64'],
);
const publisher = await KafkaPublisher.connect(kafka);
try {
  const warmupClasses = classesOf(warmup);
  await runFlow(host, publisher, warmupClasses);
  const classes = classesOf(essays);
  const before = await journalCounts();
  const hostCpu = processCpuMeter(host.child.pid as number);
  const pgCpu = localCpuMeter('postgres');
  const brokerCpu = localCpuMeter('java');
  const started = performance.now();
  await runFlow(host, publisher, classes);
  const seconds = (performance.now() - started) / 1000;
  const after = await journalCounts();
  const applied = after.applied - before.applied;
  const rejected = after.rejected - before.rejected;
  const hostUs = hostCpu.perUnit(applied);
  const pgUs = pgCpu.perUnit(applied);
  const brokerUs = brokerCpu.perUnit(applied);
  // The host ran this benchmark's actors and no others (a consumer group reading the topics'
  // history would have added earlier runs' essays), every essay took its five transitions, and
  // nothing was left armed.
  const actors = await count(sql`select count(*)::int as n from actor_snapshots`);
  const expectedActors = [...warmupClasses, ...classes].reduce(
    (n, c) => n + 1 + c.essayIds.length,
    0,
  );
  const timersLeft = await count(sql`select count(*)::int as n from timers`);
  if (actors !== expectedActors || applied < essays * 5 || timersLeft !== 0)
    throw new Error(
      `bench workload did not run as described: ${actors} actors (expected ${expectedActors}), ${applied} transitions for ${essays} essays, ${timersLeft} timers left`,
    );
  const perS = Math.round(applied / seconds);
  const essaysPerS = Math.round(essays / seconds);
  report(
    `Lifecycle host end to end on Kafka and Postgres: ${essays} essays in classes of ${classSize}${deleteSent ? ', outbox rows deleted as published' : ''}`,
    [
      `${perS} transitions/s (${applied} applied, ${rejected} rejected, in ${seconds.toFixed(2)} s; ${essaysPerS} essays/s through the whole flow, after a warm-up on ${warmup} other essays)`,
      `CPU per transition: ${hostUs ?? 'n/a'} µs in the host process, ${pgUs ?? 'n/a (not a local server)'} µs in Postgres, ${brokerUs ?? 'n/a (not a local broker)'} µs in the Kafka broker`,
    ],
    {
      transitions_per_s: perS,
      essays_per_s: essaysPerS,
      transitions: applied,
      rejected,
      host_cpu_us_per_transition: hostUs,
      postgres_cpu_us_per_transition: pgUs,
      broker_cpu_us_per_transition: brokerUs,
      sent_rows: deleteSent ? 'delete' : 'mark',
    },
  );
} finally {
  await publisher.close();
  const code = await host.stop();
  await drop();
  if (code !== 0)
    console.error(`lifecycle host exited with ${code}:\n${host.output().slice(-2_000)}`);
}
