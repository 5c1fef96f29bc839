import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIFECYCLE_TOPICS } from '../../actors/lifecycle/router.ts';
import { ProcessingEvent, topicName } from '../../common-core/index.ts';
import { rows } from '../../db/index.ts';
import { KafkaPublisher } from '../../messaging/index.ts';
import { FlowFixture } from '../helpers/flow.ts';
import { createFreshDatabase, type FreshDatabase } from '../helpers/fresh-database.ts';
import {
  DATABASE_URL,
  KAFKA_BROKERS,
  startGroupAtTopicEnds,
  testKafka,
  uniqueName,
} from '../helpers/infra.ts';
import { freePort, type RunningProcess, startProcess } from '../helpers/processes.ts';
import { waitFor } from '../helpers/wait-for.ts';

// The distributed stack as separate processes: content, spellchecker and lifecycle on real
// Kafka and Postgres. The batch API is not built yet, so the test publishes its events.
describe('distributed spellcheck flow (three processes, real Kafka and Postgres)', () => {
  const processes: RunningProcess[] = [];
  let dir: string;
  let contentUrl: string;
  let lifecycleUrl: string;
  // A database of its own: the host's timer poller and relay would also work through whatever
  // timers and outbox rows other runs left in a shared one.
  let fresh: FreshDatabase;

  beforeAll(async () => {
    fresh = await createFreshDatabase(DATABASE_URL, 'huleedu_smoke');
    dir = mkdtempSync(join(tmpdir(), 'smoke-dist-'));
    const [contentPort, lifecyclePort, metricsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    contentUrl = `http://127.0.0.1:${contentPort}`;
    lifecycleUrl = `http://127.0.0.1:${lifecyclePort}`;
    // Both groups start at the topics' ends: a new group would first work through every
    // earlier run's events.
    const spellGroup = uniqueName('smoke-spell');
    const lifecycleGroup = uniqueName('smoke-lifecycle');
    await startGroupAtTopicEnds(testKafka(), spellGroup, [
      topicName(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED),
    ]);
    await startGroupAtTopicEnds(testKafka(), lifecycleGroup, LIFECYCLE_TOPICS);
    const common = {
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      DATABASE_URL: fresh.url,
      LOG_LEVEL: 'info',
    };
    processes.push(
      await startProcess(
        'services/content/main.ts',
        { ...common, CONTENT_PORT: String(contentPort), CONTENT_STORE_PATH: dir },
        /content service ready/,
      ),
    );
    processes.push(
      await startProcess(
        'services/spellchecker/main.ts',
        {
          ...common,
          SPELLCHECKER_CONTENT_URL: contentUrl,
          SPELLCHECKER_METRICS_PORT: String(metricsPort),
          SPELLCHECKER_GROUP_ID: spellGroup,
        },
        /spellchecker ready/,
      ),
    );
    processes.push(
      await startProcess(
        'actors/lifecycle/main.ts',
        {
          ...common,
          LIFECYCLE_PORT: String(lifecyclePort),
          LIFECYCLE_GROUP_ID: lifecycleGroup,
          // The relay deletes what it publishes (the crash test runs the default, marking sent).
          LIFECYCLE_OUTBOX_RETAIN_SENT_MS: '0',
        },
        /lifecycle host ready/,
      ),
    );
  }, 120_000);
  afterAll(async () => {
    for (const p of processes.reverse()) expect(await p.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
    await fresh?.drop();
  });

  const get = async <T>(url: string): Promise<T | undefined> => {
    const r = await fetch(url).catch(() => undefined);
    return r?.ok ? ((await r.json()) as T) : undefined;
  };

  it('a batch of essays goes from registration to a spellcheck outcome', async () => {
    const texts = ['Teh cat sat.', 'I recieve alot of letters.', 'Nothing to fix here.'];
    const ids: string[] = [];
    for (const t of texts) {
      const r = await fetch(`${contentUrl}/v1/content`, {
        method: 'POST',
        body: t,
        headers: { 'content-type': 'text/plain' },
      });
      ids.push(((await r.json()) as { storage_id: string }).storage_id);
    }
    const f = FlowFixture.create(3);
    const publisher = await KafkaPublisher.connect(testKafka());
    try {
      // Real text ids in the provisioning events.
      const provisioned = f.essayIds.map((id, i) => {
        const m = f.provisioned(id);
        return {
          ...m,
          value: Buffer.from(
            Buffer.from(m.value)
              .toString()
              .replaceAll(`text-${id}`, ids[i] as string),
          ),
        };
      });
      await publisher.publish([f.registered(), ...provisioned]);
      await waitFor(
        'batch ready',
        async () =>
          (await get<{ status: string }>(`${lifecycleUrl}/v1/batches/${f.batchId}`))?.status ===
          'ready_for_pipeline_execution',
        60_000,
        200,
      );
      const initiate = f.initiate();
      const body = Buffer.from(initiate.value).toString();
      const withIds = f.essayIds.reduce(
        (acc, id, i) => acc.replaceAll(`text-${id}`, ids[i] as string),
        body,
      );
      await publisher.publish([{ ...initiate, value: Buffer.from(withIds) }]);
      const batch = await waitFor(
        'batch outcome',
        async () => {
          const b = await get<{ status: string }>(`${lifecycleUrl}/v1/batches/${f.batchId}`);
          return b?.status.startsWith('completed') ? b : undefined;
        },
        90_000,
        250,
      );
      expect(batch.status).toBe('completed_successfully');
      const essay = await waitFor(
        'essay final',
        async () => {
          const e = await get<{
            status: string;
            context: { correctedTextStorageId: string; correctionsMade: number };
          }>(`${lifecycleUrl}/v1/essays/${f.essayIds[1]}`);
          return e?.status === 'essay_all_processing_completed' ? e : undefined;
        },
        30_000,
        200,
      );
      expect(essay.context.correctionsMade).toBe(2);
      const corrected = await (
        await fetch(`${contentUrl}/v1/content/${essay.context.correctedTextStorageId}`)
      ).text();
      expect(corrected).toBe('I receive a lot of letters.');
      const timeline = await get<{ transitions: { to: string }[] }>(
        `${lifecycleUrl}/v1/essays/${f.essayIds[1]}/timeline`,
      );
      expect(timeline?.transitions.map((t) => t.to)).toEqual([
        'ready_for_processing',
        'awaiting_spellcheck',
        'spellchecking_in_progress',
        'spellchecked_success',
        'essay_all_processing_completed',
      ]);
      // Everything the flow wrote to the outbox went out through Kafka (the spellchecker got its
      // requests, the batch its status events), and with a retention of 0 no row is kept.
      await waitFor(
        'published outbox rows deleted',
        async () =>
          rows<{ n: number }>(
            await fresh.database.db.execute(
              sql`select count(*)::int as n from outbox where key = any(${sql.param([f.batchId, ...f.essayIds])}::text[])`,
            ),
          )[0]?.n === 0,
        10_000,
        100,
      );
    } finally {
      await publisher.close();
    }
  });
});
