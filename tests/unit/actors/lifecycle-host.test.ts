import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LifecycleHost, startLifecycleHost } from '../../../actors/lifecycle/host.ts';
import { SOURCE_SERVICE } from '../../../actors/lifecycle/outbox-row.ts';
import { type OutgoingMessage, ProcessingEvent, topicName } from '../../../common-core/index.ts';
import { type Database, openDatabase, rows } from '../../../db/index.ts';
import { type DeadLetter, MemoryBus, silentLogger } from '../../../messaging/index.ts';
import { FlowFixture } from '../../helpers/flow.ts';
import { POISON_CASES } from '../../helpers/poison-suite.ts';
import { waitFor } from '../../helpers/wait-for.ts';

describe('lifecycle host on the memory bus and PGlite', () => {
  let bus: MemoryBus;
  let database: Database;
  let host: LifecycleHost;
  let registry: Registry;
  beforeEach(async () => {
    registry = new Registry();
    bus = new MemoryBus({ partitions: 3 });
    database = await openDatabase({ url: 'pglite://memory' });
    host = await startLifecycleHost({
      bus,
      database,
      logger: silentLogger,
      registry,
      groupId: 'lifecycle',
      essayDefaults: { maxAttempts: 2, resultTimeoutMs: 60_000 },
      timerIntervalMs: 10,
      relayIdleMs: 10,
    });
  });
  afterEach(async () => {
    await host.close();
    await bus.close();
    await database.close();
  });

  const status = async (type: 'essay' | 'batch', id: string) =>
    String((await host.runtime.read(type, id))?.snapshot.value);
  const outboxDrained = async () => {
    const [row] = rows<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from outbox where sent_at is null`),
    );
    return row?.n === 0;
  };
  const duplicatesCounted = async () =>
    (
      (await registry.getSingleMetric('huleedu_actor_duplicate_events_total')?.get())?.values ?? []
    ).reduce((n, v) => n + v.value, 0);
  /** Spellcheck requests the host has published for these essays. */
  const requestsFor = (essayIds: readonly string[]) =>
    bus
      .messages(topicName(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED))
      .filter((m) => essayIds.includes(m.key ?? '')).length;
  const outcomes = (batchId: string) =>
    bus
      .messages(topicName(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME))
      .filter((m) => m.key === batchId);

  it('redeliveries in one batch, after the first copy committed and out of order within an essay: one outcome, and every timeline is exactly its transitions', async () => {
    const f = FlowFixture.create(4);
    const pub = await bus.publisher();
    const [e0, e1, e2, e3] = f.essayIds as [string, string, string, string];
    const provisioned = f.essayIds.map((id) => f.provisioned(id));
    const registered = f.registered();
    // Content before registration, every message twice in one publish (the in-batch check).
    for (const m of [...provisioned, registered]) await pub.publish([m, m]);
    // The batch requests its phase itself once every essay is provisioned (no orchestrator);
    // a second, hand-made command changes nothing.
    await waitFor(
      'batch started its phase',
      async () => (await status('batch', f.batchId)) === 'processing_pipelines',
    );
    const initiate = f.initiate();
    await pub.publish([initiate, initiate]);
    // The host dispatches one request per essay through its timers and outbox.
    await waitFor('requests sent', () => requestsFor(f.essayIds) === 4);
    // Out of order within one essay (e3: result, its old content event again, the result again),
    // and a second, distinct result for e0.
    const results = [
      f.result(e0, true),
      f.result(e1, false),
      f.result(e2, true),
      f.result(e3, true),
    ];
    const [r0, r1, r2, r3] = results as [
      OutgoingMessage,
      OutgoingMessage,
      OutgoingMessage,
      OutgoingMessage,
    ];
    await pub.publish([r3, provisioned[3] as OutgoingMessage, r1, r3, r0, f.result(e0, true), r2]);
    await waitFor('outcome announced', () => outcomes(f.batchId).length > 0);
    await waitFor('essays final', async () =>
      (await Promise.all(f.essayIds.map((id) => status('essay', id)))).every((s) =>
        s.startsWith('essay_'),
      ),
    );
    await waitFor('outbox drained', outboxDrained);

    // Every message again, after its first copy committed: the journal-key path, not the
    // in-batch check. Waited for by the host's count of duplicates, not by a pause.
    const again = [...provisioned, registered, initiate, ...results];
    const before = await duplicatesCounted();
    await pub.publish(again);
    await waitFor(
      `the host counted the ${again.length} redeliveries as duplicates`,
      async () => (await duplicatesCounted()) >= before + again.length,
    );
    await waitFor('outbox drained after the redeliveries', outboxDrained);

    expect(outcomes(f.batchId), 'exactly one outcome for the batch').toHaveLength(1);
    const outcome = JSON.parse(Buffer.from(outcomes(f.batchId)[0]?.value ?? []).toString()) as {
      data: { phase_status: string; failed_essay_ids: string[] };
    };
    expect(outcome.data.phase_status).toBe('completed_with_failures');
    expect(outcome.data.failed_essay_ids).toEqual([e1]);
    expect(
      bus
        .messages(topicName(ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND))
        .filter(
          (m) =>
            m.key === f.batchId &&
            (JSON.parse(Buffer.from(m.value).toString()) as { source_service: string })
              .source_service === SOURCE_SERVICE,
        ),
      'exactly one phase command from the batch (besides the hand-made ones)',
    ).toHaveLength(1);
    expect(await status('batch', f.batchId)).toBe('completed_with_failures');

    const applied = async (type: 'essay' | 'batch', id: string) =>
      (await host.repository.timeline(type, id))
        .filter((t) => !t.rejected)
        .map((t) => `${t.fromState ?? '(new)'} -> ${t.toState}`);
    const rejected = async (id: string) =>
      (await host.repository.timeline('essay', id))
        .filter((t) => t.rejected)
        .map((t) => t.eventType);
    const start = [
      '(new) -> ready_for_processing',
      'ready_for_processing -> awaiting_spellcheck',
      'awaiting_spellcheck -> spellchecking_in_progress',
    ];
    for (const id of [e0, e2, e3])
      expect(await applied('essay', id), `timeline of ${id}: each transition once`).toEqual([
        ...start,
        'spellchecking_in_progress -> spellchecked_success',
        'spellchecked_success -> essay_all_processing_completed',
      ]);
    expect(await applied('essay', e1), `timeline of ${e1}: each transition once`).toEqual([
      ...start,
      'spellchecking_in_progress -> spellcheck_failed',
      'spellcheck_failed -> essay_partially_processed_with_failures',
    ]);
    // The hand-made command and the distinct second result for e0 are journaled as rejected,
    // not applied; redeliveries leave no trace.
    expect(await rejected(e0)).toEqual(['PHASE_INITIATED', 'PHASE_SUCCEEDED']);
    for (const id of [e1, e2, e3])
      expect(await rejected(id), `rejected events of ${id}`).toEqual(['PHASE_INITIATED']);
    // The batch: each event applied once (content and registration arrive in any order).
    const batchSteps = (await host.repository.timeline('batch', f.batchId)).filter(
      (t) => !t.rejected,
    );
    expect(
      batchSteps.map((t) => t.eventType).sort(),
      'timeline of the batch: each event applied once',
    ).toEqual(
      [
        'BATCH_REGISTERED',
        'PHASE_INITIATED',
        ...f.essayIds.map(() => 'ESSAY_PROVISIONED'),
        ...f.essayIds.map(() => 'ESSAY_PHASE_CONCLUDED'),
      ].sort(),
    );
    expect(batchSteps.slice(-5).map((t) => `${t.fromState} -> ${t.toState}`)).toEqual([
      'ready_for_pipeline_execution -> processing_pipelines',
      'processing_pipelines -> processing_pipelines',
      'processing_pipelines -> processing_pipelines',
      'processing_pipelines -> processing_pipelines',
      'processing_pipelines -> completed_with_failures',
    ]);
  }, 180_000);

  it("a retry re-runs the phase for the failed essays only, and the batch's outcome is announced again", async () => {
    const f = FlowFixture.create(3);
    const [e0, e1, e2] = f.essayIds as [string, string, string];
    const pub = await bus.publisher();
    await pub.publish([f.registered(), ...f.essayIds.map((id) => f.provisioned(id))]);
    const requests = (id: string) => requestsFor([id]);
    await waitFor('requests sent', () => f.essayIds.every((id) => requests(id) === 1));
    await pub.publish([f.result(e0, true), f.result(e1, false), f.result(e2, false)]);
    await waitFor(
      'failed essays concluded',
      async () =>
        (await status('essay', e2)) === 'essay_partially_processed_with_failures' &&
        (await status('essay', e1)) === 'essay_partially_processed_with_failures',
    );
    expect(await status('batch', f.batchId)).toBe('completed_with_failures');

    await pub.publish([f.retry()]);
    await waitFor(
      'requests re-sent for the failed essays',
      () => requests(e1) === 2 && requests(e2) === 2,
    );
    expect(requests(e0)).toBe(1);
    expect(await status('batch', f.batchId)).toBe('processing_pipelines');
    await pub.publish([f.result(e1, true), f.result(e2, false)]);
    await waitFor('second outcome announced', () => outcomes(f.batchId).length === 2);
    const second = JSON.parse(Buffer.from(outcomes(f.batchId)[1]?.value ?? []).toString()) as {
      data: {
        phase_status: string;
        failed_essay_ids: string[];
        processed_essays: { essay_id: string }[];
      };
    };
    expect(second.data.phase_status).toBe('completed_with_failures');
    expect(second.data.failed_essay_ids).toEqual([e2]);
    // The retry round's outcome is of the essays that took part in it (e0 completed before).
    expect(second.data.processed_essays.map((e) => e.essay_id)).toEqual([e1]);
    expect(await status('batch', f.batchId)).toBe('completed_with_failures');
    await waitFor(
      'retried essay completed',
      async () => (await status('essay', e1)) === 'essay_all_processing_completed',
    );
    expect(await status('essay', e0)).toBe('essay_all_processing_completed');
  }, 150_000);

  it('an event with an id outside the id policy is dead-lettered at once as poison (bug: NUL was retried six times)', async () => {
    const f = FlowFixture.create(1);
    const pub = await bus.publisher();
    const bad = f.provisioned('a\u0000b');
    const long = f.provisioned('e'.repeat(129));
    await pub.publish([bad, long, f.registered()]);
    const dlt = () => bus.messages(`${topicName(ProcessingEvent.ESSAY_CONTENT_PROVISIONED)}.DLT`);
    await waitFor('both dead-lettered', () => dlt().length === 2);
    for (const m of dlt()) {
      const body = JSON.parse(Buffer.from(m.value).toString()) as {
        error: { code: string; message: string };
        attempts: number;
      };
      expect(body.error.code).toBe('HULEEDU_INVALID_PAYLOAD');
      expect(body.error.message).toContain('entity_id');
      expect(body.attempts).toBe(0);
    }
  });

  it('poison on every input topic (not JSON, schema violation, unknown schema_version) is dead-lettered with its reason while the batch completes', async () => {
    const f = FlowFixture.create(3);
    const pub = await bus.publisher();
    const [e0, e1, e2] = f.essayIds as [string, string, string];
    const provisionedTopic = topicName(ProcessingEvent.ESSAY_CONTENT_PROVISIONED);
    const resultTopic = topicName(ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED);
    // Poison first on each essay's key, so that good messages follow it on the same partition.
    await pub.publish(POISON_CASES.map((c) => c.build(provisionedTopic, e0)));
    await pub.publish([...f.essayIds.map((id) => f.provisioned(id)), f.registered()]);
    await waitFor('requests sent', () => requestsFor(f.essayIds) === 3);
    await pub.publish(POISON_CASES.map((c) => c.build(resultTopic, e1)));
    await pub.publish([f.result(e0, true), f.result(e1, true), f.result(e2, true)]);
    await waitFor('outcome announced', () => outcomes(f.batchId).length > 0);
    const codes = (topic: string) =>
      bus
        .messages(`${topic}.DLT`)
        .map((m) => JSON.parse(Buffer.from(m.value).toString()) as DeadLetter)
        .map((l) => `${l.original.key} ${l.error.code}`);
    const expected = (key: string) => POISON_CASES.map((c) => `${key} ${c.code}`);
    expect(codes(provisionedTopic), 'poison among content events dead-lettered').toEqual(
      expected(e0),
    );
    expect(codes(resultTopic), 'poison among results dead-lettered').toEqual(expected(e1));
    expect(await status('batch', f.batchId)).toBe('completed_successfully');
    for (const id of f.essayIds)
      expect(await status('essay', id)).toBe('essay_all_processing_completed');
  });

  it('a result for an essay nobody registered is dead-lettered with the reason (bug: dropped with no trace)', async () => {
    const f = FlowFixture.create(1);
    const pub = await bus.publisher();
    const stray = f.result('never-registered-essay', true);
    await pub.publish([stray]);
    const dlt = () =>
      bus.messages(`${topicName(ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED)}.DLT`);
    await waitFor('the stray result dead-lettered', () => dlt().length === 1);
    const body = JSON.parse(Buffer.from(dlt()[0]?.value ?? []).toString()) as {
      error: { code: string; message: string };
      original: { key: string };
    };
    expect(body.error.code).toBe('HULEEDU_NOT_FOUND');
    expect(body.error.message).toContain('essay never-registered-essay');
    expect(body.original.key).toBe('never-registered-essay');
  });

  it('serves essay state and timeline over HTTP', async () => {
    const { buildLifecycleApp } = await import('../../../actors/lifecycle/app.ts');
    const app = await buildLifecycleApp(host, new Registry());
    const f = FlowFixture.create(1);
    const pub = await bus.publisher();
    await pub.publish([f.registered(), f.provisioned(f.essayIds[0] as string)]);
    // No spell checker runs here: the essay waits for its result once the request is out.
    await waitFor(
      'essay awaits its result',
      async () => (await status('essay', f.essayIds[0] as string)) === 'spellchecking_in_progress',
    );
    const essay = await app.inject({ method: 'GET', url: `/v1/essays/${f.essayIds[0]}` });
    expect(essay.json()).toMatchObject({ status: 'spellchecking_in_progress', version: 3 });
    const timeline = await app.inject({
      method: 'GET',
      url: `/v1/essays/${f.essayIds[0]}/timeline`,
    });
    expect(timeline.json<{ transitions: unknown[] }>().transitions).toHaveLength(3);
    expect((await app.inject({ method: 'GET', url: '/v1/essays/nope' })).statusCode).toBe(404);
    // Ids outside the id policy are a clear 400, never a 500 from Postgres (bug: NUL) or a 414.
    for (const bad of ['%00', `a${'x'.repeat(200)}`, 'a.b', 'a%20b']) {
      const r = await app.inject({ method: 'GET', url: `/v1/essays/${bad}` });
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().code).toBe('HULEEDU_BAD_REQUEST');
      expect(
        (await app.inject({ method: 'GET', url: `/v1/essays/${bad}/timeline` })).statusCode,
      ).toBe(400);
    }
    expect(
      (await app.inject({ method: 'GET', url: `/v1/batches/${f.batchId}` })).json(),
    ).toMatchObject({ batch_id: f.batchId });
    await waitFor(
      'the batch requested its phase',
      async () => (await status('batch', f.batchId)) === 'processing_pipelines',
    );
    await app.close();
  });
});
