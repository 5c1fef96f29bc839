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

  async function startHost(): Promise<RunningProcess> {
    return startProcess(
      'actors/lifecycle/main.ts',
      {
        KAFKA_BROKERS: KAFKA_BROKERS.join(','),
        DATABASE_URL: fresh.url,
        LIFECYCLE_GROUP_ID: groupId,
        LIFECYCLE_PORT: String(await freePort()),
        LIFECYCLE_MAX_BATCH_SIZE: '8',
        LOG_LEVEL: 'info',
      },
      /lifecycle host ready/,
      60_000,
    );
  }

  const statuses = async (type: 'essay' | 'batch', ids: readonly string[]) =>
    (await repository.loadSnapshots(ids.map((actorId) => ({ actorType: type, actorId })))).map(
      (r) => r.status,
    );

  it('SIGKILL between DB commits and offset commits: redelivery is absorbed, nothing duplicated', async () => {
    const f = FlowFixture.create(40);
    const publisher = await KafkaPublisher.connect(testKafka());
    let host = await startHost();
    try {
      // The batch starts its phase itself once every essay is provisioned.
      await publisher.publish([...f.essayIds.map((id) => f.provisioned(id)), f.registered()]);
      await waitFor(
        'all requested',
        async () =>
          (await statuses('essay', f.essayIds)).filter((s) => s === 'spellchecking_in_progress')
            .length === 40,
        60_000,
        100,
      );

      // Results in chunks; kill the host (no graceful commit) while they are being applied.
      for (let i = 0; i < 40; i += 5) {
        await publisher.publish(
          f.essayIds.slice(i, i + 5).map((id, j) => f.result(id, (i + j) % 7 !== 3)),
        );
        if (i === 10) {
          await waitFor(
            'some applied',
            async () =>
              (await statuses('essay', f.essayIds)).some((s) => s !== 'spellchecking_in_progress'),
            30_000,
            20,
          );
          expect(await host.stop('SIGKILL')).toBeNull();
          host = await startHost();
        }
      }
      await waitFor(
        'batch final',
        async () => (await statuses('batch', [f.batchId]))[0] === 'completed_with_failures',
        90_000,
        200,
      );
      await waitFor(
        'essays final',
        async () => (await statuses('essay', f.essayIds)).every((s) => FINAL.has(s)),
        90_000,
        200,
      );

      // Exactly one outcome, and every actor's journal is gap-free with each event once.
      const outcome = (await database.db.execute(
        sql`select count(*)::int as n from outbox where topic = ${topicName(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME)} and key = ${f.batchId}`,
      )) as unknown as { rows: { n: number }[] };
      expect(outcome.rows[0]?.n).toBe(1);
      for (const id of [...f.essayIds, f.batchId]) {
        const t = await repository.timeline(id === f.batchId ? 'batch' : 'essay', id);
        expect(t.map((r) => r.seq)).toEqual(t.map((_, i) => i + 1));
        expect(new Set(t.map((r) => r.eventId)).size).toBe(t.length);
      }
      const e0 = await repository.timeline('essay', f.essayIds[0] as string);
      expect(e0.filter((r) => !r.rejected).map((r) => r.toState)).toEqual([
        'ready_for_processing',
        'awaiting_spellcheck',
        'spellchecking_in_progress',
        'spellchecked_success',
        'essay_all_processing_completed',
      ]);
    } finally {
      await host.stop();
      await publisher.close();
    }
  });
});
