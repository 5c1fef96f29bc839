import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIFECYCLE_TOPICS } from '../../../actors/lifecycle/router.ts';
import { ProcessingEvent, topicName } from '../../../common-core/index.ts';
import { ActorRepository, type Database } from '../../../db/index.ts';
import { KafkaPublisher } from '../../../messaging/index.ts';
import { FlowFixture } from '../../helpers/flow.ts';
import { createFreshDatabase, type FreshDatabase } from '../../helpers/fresh-database.ts';
import {
  DATABASE_URL,
  KAFKA_BROKERS,
  startGroupAtTopicEnds,
  testKafka,
  uniqueName,
} from '../../helpers/infra.ts';
import { freePort, type RunningProcess, startProcess } from '../../helpers/processes.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const FINAL = new Set([
  'essay_all_processing_completed',
  'essay_partially_processed_with_failures',
  'essay_critical_failure',
]);

describe('lifecycle host process killed mid-stream (real Kafka and Postgres)', () => {
  // A database of its own: the host's timer poller and relay would also work through whatever
  // timers and outbox rows other runs left in a shared one.
  let fresh: FreshDatabase;
  let database: Database;
  let repository: ActorRepository;
  const groupId = uniqueName('lifecycle-crash');
  beforeAll(async () => {
    fresh = await createFreshDatabase(DATABASE_URL, 'huleedu_crash');
    database = fresh.database;
    repository = new ActorRepository(database.db);
    await startGroupAtTopicEnds(testKafka(), groupId, LIFECYCLE_TOPICS);
  });
  afterAll(async () => {
    await fresh?.drop();
  });

  async function startHost(
    once: { entry?: string; env?: Record<string, string> } = {},
  ): Promise<{ proc: RunningProcess; port: number }> {
    const port = await freePort();
    const proc = await startProcess(
      once.entry ?? 'actors/lifecycle/main.ts',
      {
        KAFKA_BROKERS: KAFKA_BROKERS.join(','),
        DATABASE_URL: fresh.url,
        LIFECYCLE_GROUP_ID: groupId,
        LIFECYCLE_PORT: String(port),
        LIFECYCLE_MAX_BATCH_SIZE: '8',
        LOG_LEVEL: 'info',
        ...once.env,
      },
      /lifecycle host ready/,
      60_000,
    );
    return { proc, port };
  }

  const statuses = async (type: 'essay' | 'batch', ids: readonly string[]) =>
    (await repository.loadSnapshots(ids.map((actorId) => ({ actorType: type, actorId })))).map(
      (r) => r.status,
    );
  /** The host's count of duplicate events for essays (its /metrics). */
  const essayDuplicates = async (port: number): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const line = /^huleedu_actor_duplicate_events_total\{actor_type="essay"\} (\S+)$/m.exec(text);
    return Number(line?.[1] ?? 0);
  };
  const rowsOf = async <T>(query: ReturnType<typeof sql>) =>
    ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;

  it('SIGKILL after a batch of results committed and before its offsets: redelivered, absorbed, every essay applied exactly once', async () => {
    const f = FlowFixture.create(40);
    const ok = (i: number) => i % 7 !== 3;
    const publisher = await KafkaPublisher.connect(testKafka());
    // The first run holds the batch that brings its applied results to 10, after its commit.
    const marker = join(mkdtempSync(join(tmpdir(), 'huleedu-held-')), 'held.json');
    let host = await startHost({
      entry: 'tests/helpers/lifecycle-held-commit.ts',
      env: { HOLD_MARKER: marker, HOLD_AFTER_RESULTS: '10' },
    });
    try {
      // The batch starts its phase itself once every essay is provisioned.
      await publisher.publish([...f.essayIds.map((id) => f.provisioned(id)), f.registered()]);
      await waitFor(
        'all 40 essays requested (spellchecking_in_progress)',
        async () =>
          (await statuses('essay', f.essayIds)).filter((s) => s === 'spellchecking_in_progress')
            .length === 40,
        60_000,
        100,
      );
      await publisher.publish(f.essayIds.map((id, i) => f.result(id, ok(i))));
      await waitFor(
        'a batch of results held after its commit',
        () => existsSync(marker),
        60_000,
        20,
      );
      const held = JSON.parse(readFileSync(marker, 'utf8')) as string[];
      expect(held.length, 'the held batch carried events').toBeGreaterThan(0);
      expect(await host.proc.stop('SIGKILL')).toBeNull();
      host = await startHost();
      await waitFor(
        'batch final (completed_with_failures)',
        async () => (await statuses('batch', [f.batchId]))[0] === 'completed_with_failures',
        60_000,
        200,
      );
      await waitFor(
        'every essay final',
        async () => (await statuses('essay', f.essayIds)).every((s) => FINAL.has(s)),
        60_000,
        200,
      );
      expect(
        await essayDuplicates(host.port),
        'the restarted host saw the committed batch again (redelivery absorbed as duplicates): commit offsets only after the database',
      ).toBeGreaterThan(0);

      // Every essay: its result applied once, one request sent, the final state its result implies.
      const resultRows = await rowsOf<{ actor_id: string; n: number }>(
        sql`select actor_id, count(*)::int as n from journal where actor_type = 'essay' and not rejected and event_type in ('PHASE_SUCCEEDED', 'PHASE_FAILED') group by actor_id`,
      );
      const requestRows = await rowsOf<{ key: string; n: number }>(
        sql`select key, count(*)::int as n from outbox where topic = ${topicName(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED)} group by key`,
      );
      const results = new Map(resultRows.map((r) => [r.actor_id, r.n]));
      const requests = new Map(requestRows.map((r) => [r.key, r.n]));
      const finals = await statuses('essay', f.essayIds);
      f.essayIds.forEach((id, i) => {
        expect(results.get(id), `${id}: one journal row for its result`).toBe(1);
        expect(requests.get(id), `${id}: one spellcheck request in the outbox`).toBe(1);
        expect(finals[i], `${id}: the final state its result implies`).toBe(
          ok(i) ? 'essay_all_processing_completed' : 'essay_partially_processed_with_failures',
        );
      });

      // Exactly one outcome, naming exactly the failed essays; every journal gap-free.
      const outcomes = await rowsOf<{ payload: string }>(
        sql`select payload from outbox where topic = ${topicName(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME)} and key = ${f.batchId}`,
      );
      expect(outcomes, 'exactly one outcome').toHaveLength(1);
      const outcome = JSON.parse(outcomes[0]?.payload ?? '{}') as {
        data: { failed_essay_ids: string[] };
      };
      expect([...outcome.data.failed_essay_ids].sort()).toEqual(
        f.essayIds.filter((_, i) => !ok(i)).sort(),
      );
      for (const id of [...f.essayIds, f.batchId]) {
        const t = await repository.timeline(id === f.batchId ? 'batch' : 'essay', id);
        expect(
          t.map((r) => r.seq),
          `${id}: journal without gaps`,
        ).toEqual(t.map((_, i) => i + 1));
      }
    } finally {
      await host.proc.stop();
      await publisher.close();
    }
  }, 360_000);
});
