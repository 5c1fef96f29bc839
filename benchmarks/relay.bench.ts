/**
 * Outbox relay throughput on the real Postgres and Kafka: the rows the actor runtime writes
 * for `bench:actors`' workload (per essay five status events and one spellcheck request,
 * envelopes of ~0.7-1.3 KB) are published by `OutboxRelay.drain()` in id order and marked sent.
 * In the lifecycle host the relay shares the process with the runtime, so its CPU per row adds
 * to the runtime's CPU per transition (~1.2 rows per transition). Runs in a fresh database and
 * a fresh topic (3 partitions), both removed afterwards; a first round on other rows is not
 * measured (JIT warm-up, a freshly started broker).
 * `--delete-sent` relays as the host does with LIFECYCLE_OUTBOX_RETAIN_SENT_MS=0: published rows
 * are deleted, not marked sent.
 *   npm run bench:relay -- [--essays 10000] [--batch 500] [--warmup <essays>] [--delete-sent] [--json]
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { ESSAY_EFFECTS, essayStatusEvent } from '../actors/essay/essay-effects.ts';
import { interpretEffects, OutboxRelay } from '../actors/runtime/index.ts';
import { EssayStatus } from '../common-core/index.ts';
import {
  ActorRepository,
  emptyBatchWrite,
  OutboxRepository,
  type OutboxRow,
  rows as resultRows,
} from '../db/index.ts';
import { createKafka, KafkaBus, silentLogger } from '../messaging/index.ts';
import { createFreshDatabase } from '../tests/helpers/fresh-database.ts';
import { createTestTopics, topicSize } from '../tests/helpers/infra.ts';
import { numberArg, report } from './bench-output.ts';
import { localCpuMeter } from './local-process-cpu.ts';

const essays = numberArg('essays', 10_000);
const batchSize = numberArg('batch', 500);
const warmup = numberArg('warmup', essays);
const deleteSent = process.argv.includes('--delete-sent');
const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const topic = `bench.relay.${randomUUID().slice(0, 8)}`;
const kafka = createKafka({
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  clientId: 'bench-relay',
  logger: silentLogger,
});
const deleteTopics = await createTestTopics(kafka, [topic]);
const { database, drop } = await createFreshDatabase(base, 'huleedu_relay_bench', {
  maxConnections: 2,
});
const bus = new KafkaBus(kafka, silentLogger);

/** The path of an essay in `bench:actors`: each step's status change. */
const STEPS: [string | null, string][] = [
  [null, EssayStatus.READY_FOR_PROCESSING],
  [EssayStatus.READY_FOR_PROCESSING, EssayStatus.AWAITING_SPELLCHECK],
  [EssayStatus.AWAITING_SPELLCHECK, EssayStatus.SPELLCHECKING_IN_PROGRESS],
  [EssayStatus.SPELLCHECKING_IN_PROGRESS, EssayStatus.SPELLCHECKED_SUCCESS],
  [EssayStatus.SPELLCHECKED_SUCCESS, EssayStatus.ESSAY_ALL_PROCESSING_COMPLETED],
];

/** The outbox rows the runtime writes for `ids`, phase by phase, in batches; all to `topic`. */
async function fill(ids: readonly string[]): Promise<number> {
  const repository = new ActorRepository(database.db);
  const now = new Date();
  const timestamp = now.toISOString();
  let rows = 0;
  for (const [step, [from, to]] of STEPS.entries())
    for (let b = 0; b < ids.length; b += batchSize) {
      const outbox: OutboxRow[] = [];
      for (const id of ids.slice(b, b + batchSize)) {
        const cause = {
          actorType: 'essay',
          actorId: id,
          eventId: `${step}-${id}`,
          correlationId: randomUUID(),
          now,
          timestamp,
        };
        if (to === EssayStatus.SPELLCHECKING_IN_PROGRESS) {
          const request = interpretEffects(
            [
              {
                type: 'requestPhaseWork',
                params: {
                  phase: 'spellcheck',
                  results: {},
                  essayId: id,
                  batchId: 'bench-batch',
                  textStorageId: randomUUID().replace(/-/g, ''),
                  language: 'en',
                  correlationId: cause.correlationId,
                  attempt: 1,
                },
              },
            ],
            cause,
            ESSAY_EFFECTS,
          );
          outbox.push(...request.outbox);
        }
        outbox.push(essayStatusEvent(id, 'bench-batch', from, to, cause, outbox.length));
      }
      for (const row of outbox) row.topic = topic;
      await repository.writeBatch({ ...emptyBatchWrite(), outbox });
      rows += outbox.length;
    }
  return rows;
}

try {
  const outbox = new OutboxRepository(database.db);
  const relay = new OutboxRelay(outbox, await bus.publisher(), silentLogger, {
    batchSize,
    ...(deleteSent ? { retainSentMs: 0 } : {}),
  });
  await fill(Array.from({ length: warmup }, (_, i) => `warmup-essay-${i}`));
  const warm = await relay.drain();
  const rows = await fill(Array.from({ length: essays }, (_, i) => `bench-essay-${i}`));
  const global = globalThis as { gc?: () => void };
  global.gc?.();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const pgCpu = localCpuMeter('postgres');
  // A local broker runs in a JVM (`java`); on this machine nothing else does.
  const brokerCpu = localCpuMeter('java');
  const sent = await relay.drain();
  const pgUs = pgCpu.perUnit(sent);
  const brokerUs = brokerCpu.perUnit(sent);
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  // The workload ran as described, or its figure means nothing: every row published once and
  // marked sent (or deleted).
  const published = await topicSize(kafka, topic);
  const { outbox: pending } = await outbox.backlog();
  const kept = resultRows<{ n: number }>(
    await database.db.execute(sql`select count(*)::int as n from outbox`),
  )[0]?.n;
  const keptExpected = deleteSent ? 0 : warm + rows;
  if (sent !== rows || published !== warm + rows || pending !== 0 || kept !== keptExpected)
    throw new Error(
      `bench workload did not run as described: ${sent} of ${rows} rows relayed, ${published - warm} published, ${pending} left pending, ${kept} rows in the outbox (expected ${keptExpected})`,
    );
  const perS = Math.round(sent / seconds);
  const nodeUs = Math.round((cpu.user + cpu.system) / sent);
  report(
    `Outbox relay on Postgres and Kafka: ${rows} rows (${essays} essays x ${STEPS.length} status events + 1 spellcheck request), ${batchSize} per batch`,
    [
      `${perS} rows/s published (acks=all) and ${deleteSent ? 'deleted' : 'marked sent'} (${sent} in ${seconds.toFixed(2)} s, after a warm-up of ${warm} rows)`,
      `CPU per row: ${nodeUs} µs in this process, ${pgUs ?? 'n/a (not a local server)'} µs in Postgres, ${brokerUs ?? 'n/a (not a local broker)'} µs in the Kafka broker`,
    ],
    {
      rows_per_s: perS,
      rows: sent,
      node_cpu_us_per_row: nodeUs,
      postgres_cpu_us_per_row: pgUs,
      broker_cpu_us_per_row: brokerUs,
      sent_rows: deleteSent ? 'delete' : 'mark',
    },
  );
} finally {
  await bus.close();
  await drop();
  await deleteTopics().catch(() => {});
}
