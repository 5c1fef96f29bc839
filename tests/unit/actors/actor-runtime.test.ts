import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTOR_EFFECTS } from '../../../actors/lifecycle/actor-types.ts';
import {
  ActorFencedError,
  ActorRuntime,
  type Delivery,
  type EffectInterpreter,
  type ObservedStep,
  RuntimeMetrics,
  SnapshotCache,
  UnknownMachineVersionError,
} from '../../../actors/runtime/index.ts';
import type { Database } from '../../../db/index.ts';
import { ActorRepository, emptyBatchWrite } from '../../../db/index.ts';
import { MACHINE_DEFINITIONS } from '../../../machines/index.ts';
import { batchSnapshotV1 } from '../../helpers/batch-v1.ts';
import { metricValues } from '../../helpers/metric-values.ts';
import { testRuntime } from '../../helpers/runtime.ts';
import { within } from '../../helpers/wait-for.ts';

const provisioned = (essay: string, id = `prov-${essay}`): Delivery => ({
  actorType: 'essay',
  actorId: essay,
  eventId: id,
  event: { type: 'CONTENT_PROVISIONED', textStorageId: 't'.repeat(32), batchId: 'b1' },
  createWith: { essayId: essay, textStorageId: 't'.repeat(32), batchId: 'b1' },
});
const initiated = (essay: string): Delivery => ({
  actorType: 'essay',
  actorId: essay,
  eventId: `init-${essay}`,
  event: {
    type: 'PHASE_INITIATED',
    phase: 'spellcheck',
    language: 'en',
    correlationId: null,
    pipeline: ['spellcheck'],
    retry: false,
  },
});

describe('ActorRuntime (PGlite)', () => {
  let runtime: ActorRuntime;
  let database: Database;
  let cache: SnapshotCache;
  beforeEach(async () => {
    ({ runtime, database, cache } = await testRuntime());
  });
  afterEach(async () => {
    await database.close();
  });

  const count = async (table: string): Promise<number> =>
    Number(
      (
        (await database.db.execute(
          sql.raw(`select count(*)::int as n from ${table}`),
        )) as unknown as { rows: { n: number }[] }
      ).rows[0]?.n,
    );

  it('creates, transitions and persists in one write, with journal, outbox and timers', async () => {
    const r = await runtime.process([provisioned('e1'), initiated('e1')]);
    expect(r).toMatchObject({ applied: 2, rejected: 0, duplicates: 0 });
    cache.clear();
    const state = await runtime.read('essay', 'e1');
    expect(state?.snapshot.value).toBe('awaiting_spellcheck');
    expect(state?.version).toBe(2);
    expect(await count('journal')).toBe(2);
    expect(await count('timers')).toBe(1);
    // status events: (none) -> ready_for_processing, ready -> awaiting
    expect(await count('outbox')).toBe(2);
  });

  it('absorbs duplicates: same final state, one journal row per logical transition', async () => {
    await runtime.process([provisioned('e1'), initiated('e1')]);
    const again = await runtime.process([provisioned('e1'), initiated('e1'), initiated('e1')]);
    expect(again).toMatchObject({ applied: 0, duplicates: 3 });
    expect(await count('journal')).toBe(2);
    expect((await runtime.read('essay', 'e1'))?.snapshot.value).toBe('awaiting_spellcheck');
  });

  it('applies an event that appears twice in one batch once, in one attempt (the in-batch duplicate check)', async () => {
    const deliveries = [provisioned('e1'), initiated('e1'), provisioned('e1'), initiated('e1')];
    const r = await within(
      10_000,
      'the in-batch duplicate check: a batch with repeated event ids must finish in one attempt',
      runtime.process(deliveries),
    );
    expect(r).toMatchObject({ applied: 2, duplicates: 2 });
    expect(await count('journal')).toBe(2);
  });

  it('a redelivery after the first copy committed, with the actor evicted, is caught by the journal key', async () => {
    await runtime.process([provisioned('e1')]);
    cache.clear(); // as after a restart: nothing in memory says e1 saw this event
    const r = await within(
      10_000,
      'the journal-key duplicate path: a redelivered event must be absorbed on the re-run',
      runtime.process([provisioned('e1'), initiated('e1')]),
    );
    expect(r).toMatchObject({ applied: 1, duplicates: 1 });
    expect(await count('journal')).toBe(2);
    expect((await runtime.read('essay', 'e1'))?.snapshot.value).toBe('awaiting_spellcheck');
  });

  /** A batch snapshot stored by batch machine version `machineVersion`, at actor version 5. */
  const storeBatch = (actorId: string, machineVersion: number) =>
    new ActorRepository(database.db).writeBatch({
      ...emptyBatchWrite(),
      inserts: [
        {
          actorType: 'batch',
          actorId,
          machineId: 'batch',
          machineVersion,
          snapshot: batchSnapshotV1(actorId),
          version: 5,
          status: 'processing_pipelines',
        },
      ],
    });
  const concluded = (batch: string, essayId: string): Delivery => ({
    actorType: 'batch',
    actorId: batch,
    eventId: `done-${essayId}`,
    event: { type: 'ESSAY_PHASE_CONCLUDED', essayId, phase: 'spellcheck', outcome: 'success' },
  });

  it('loads a snapshot of an older machine version through its migrations and stores it as the current one', async () => {
    await storeBatch('old', 1);
    const r = await runtime.process([concluded('old', 'e1'), concluded('old', 'e3')]);
    expect(r).toMatchObject({ applied: 2, rejected: 0 });
    const [row] = await new ActorRepository(database.db).loadSnapshots([
      { actorType: 'batch', actorId: 'old' },
    ]);
    expect(row).toMatchObject({
      machineVersion: MACHINE_DEFINITIONS.batch.version,
      version: 7,
      status: 'completed_with_failures',
    });
    // Version 3 keeps the essay that failed the phase where a retry finds it.
    expect(row?.snapshot).toMatchObject({
      context: {
        succeeded: ['e1', 'e3'],
        failed: [],
        droppedIds: ['e2'],
        droppedAt: ['spellcheck'],
      },
    });
  });

  it('refuses a snapshot of a newer machine version with a clear error, and writes nothing', async () => {
    const newer = MACHINE_DEFINITIONS.batch.version + 1;
    await storeBatch('future', newer);
    await expect(runtime.process([concluded('future', 'e1')])).rejects.toThrow(
      `snapshot of machine version ${newer} cannot be loaded by version ${MACHINE_DEFINITIONS.batch.version}`,
    );
    expect(await count('journal')).toBe(0);
  });

  it('refuses at construction an actor type that brings no effect interpreter', () => {
    expect(
      () =>
        new ActorRuntime({
          repository: new ActorRepository(database.db),
          definitions: MACHINE_DEFINITIONS,
          effects: { essay: ACTOR_EFFECTS.essay as EffectInterpreter },
          cache,
        }),
    ).toThrow("actor type 'batch' has no effect interpreter");
  });

  it('records an invalid event as rejected and leaves the state unchanged', async () => {
    await runtime.process([provisioned('e1')]);
    const r = await runtime.process([
      {
        actorType: 'essay',
        actorId: 'e1',
        eventId: 'x',
        event: {
          type: 'PHASE_SUCCEEDED',
          phase: 'spellcheck',
          result: { correctedTextStorageId: 'c', correctionsMade: 1 },
        },
      },
    ]);
    expect(r.rejected).toBe(1);
    expect((await runtime.read('essay', 'e1'))?.snapshot.value).toBe('ready_for_processing');
    const rows = (
      (await database.db.execute(
        sql`select rejected, from_state, to_state from journal order by seq`,
      )) as unknown as { rows: { rejected: boolean }[] }
    ).rows;
    expect(rows.map((x) => x.rejected)).toEqual([false, true]);
  });

  it('fences a stale writer: the version check rolls the whole batch back', async () => {
    await runtime.process([provisioned('e1')]); // our runtime caches e1 at version 1
    // A second runtime on the same database, like a host that still writes after losing the partition.
    const stale = new ActorRuntime({
      repository: new ActorRepository(database.db),
      definitions: MACHINE_DEFINITIONS,
      effects: ACTOR_EFFECTS,
      cache: new SnapshotCache(100, 60_000),
    });
    await stale.process([provisioned('e1', 'second-provision')]); // e1 now at version 2
    await expect(runtime.process([initiated('e1')])).rejects.toMatchObject({
      name: 'ActorFencedError',
      retryable: true,
    });
    expect(await count('timers')).toBe(0); // nothing of the fenced batch was written
    const retried = await runtime.process([initiated('e1')]); // evicted, reloaded: succeeds
    expect(retried.applied).toBe(1);
    expect((await runtime.read('essay', 'e1'))?.version).toBe(3);
  });

  it('counts transitions and rejections by actor type and event, duplicates by actor type, fenced batches, actors in memory and batch time', async () => {
    const registry = new Registry();
    const metrics = new RuntimeMetrics(registry);
    const measured = new ActorRuntime({
      repository: new ActorRepository(database.db),
      definitions: MACHINE_DEFINITIONS,
      effects: ACTOR_EFFECTS,
      cache,
      metrics,
    });
    await measured.process([provisioned('e1'), initiated('e1'), initiated('e1')]);
    await measured.process([
      {
        actorType: 'essay',
        actorId: 'e1',
        eventId: 'x',
        event: {
          type: 'PHASE_SUCCEEDED',
          phase: 'spellcheck',
          result: { correctedTextStorageId: 'c', correctionsMade: 1 },
        },
        correlationId: null,
      },
      { ...initiated('nobody'), eventId: 'init-nobody' },
    ]);
    const series = async (name: string) =>
      (await metricValues(registry, name)).map((v) => [v.labels, v.value]);
    expect(await series('huleedu_actor_transitions_total')).toEqual([
      [{ actor_type: 'essay', event: 'CONTENT_PROVISIONED' }, 1],
      [{ actor_type: 'essay', event: 'PHASE_INITIATED' }, 1],
    ]);
    expect(await series('huleedu_actor_duplicate_events_total')).toEqual([
      [{ actor_type: 'essay' }, 1],
    ]);
    expect(await series('huleedu_actor_rejected_events_total')).toEqual([
      [{ actor_type: 'essay', event: 'PHASE_SUCCEEDED' }, 1],
      [{ actor_type: 'essay', event: 'PHASE_INITIATED' }, 1],
    ]);
    expect(await series('huleedu_actors_active')).toEqual([[{}, 1]]);
    const duration = await metricValues(
      registry,
      'huleedu_actor_persistence_batch_duration_seconds',
    );
    const count = duration.find((v) => v.name.endsWith('_count'));
    const sum = duration.find((v) => v.name.endsWith('_sum'));
    expect(count?.value).toBe(2);
    // Seconds: two small batches on PGlite take well under a minute, and some time.
    expect(sum?.value).toBeGreaterThan(0);
    expect(sum?.value).toBeLessThan(60);

    const stale = new ActorRuntime({
      repository: new ActorRepository(database.db),
      definitions: MACHINE_DEFINITIONS,
      effects: ACTOR_EFFECTS,
      cache: new SnapshotCache(100, 60_000),
    });
    await stale.process([
      {
        ...initiated('e1'),
        eventId: 'late',
        event: {
          type: 'PHASE_SUCCEEDED',
          phase: 'spellcheck',
          result: { correctedTextStorageId: 'c', correctionsMade: 1 },
        },
      },
    ]);
    await expect(
      measured.process([{ ...provisioned('e2') }, { ...initiated('e1'), eventId: 'again' }]),
    ).rejects.toMatchObject({ name: 'ActorFencedError' });
    expect(await series('huleedu_actor_fenced_batches_total')).toEqual([[{}, 1]]);
  });

  it('journals each step with its sequence, states and verdict, and writes the status events of state changes', async () => {
    await runtime.process([provisioned('e1'), initiated('e1')]);
    await runtime.process([
      {
        actorType: 'essay',
        actorId: 'e1',
        eventId: 'bad',
        event: { type: 'CONTENT_PROVISIONED', textStorageId: 't'.repeat(32), batchId: 'b1' },
      },
    ]);
    const rows = (
      (await database.db.execute(
        sql`select actor_type, actor_id, seq, event_id, event_type, from_state, to_state, rejected from journal order by seq`,
      )) as unknown as { rows: Record<string, unknown>[] }
    ).rows;
    expect(rows).toEqual([
      {
        actor_type: 'essay',
        actor_id: 'e1',
        seq: 1,
        event_id: 'prov-e1',
        event_type: 'CONTENT_PROVISIONED',
        from_state: null,
        to_state: 'ready_for_processing',
        rejected: false,
      },
      {
        actor_type: 'essay',
        actor_id: 'e1',
        seq: 2,
        event_id: 'init-e1',
        event_type: 'PHASE_INITIATED',
        from_state: 'ready_for_processing',
        to_state: 'awaiting_spellcheck',
        rejected: false,
      },
      {
        actor_type: 'essay',
        actor_id: 'e1',
        seq: 3,
        event_id: 'bad',
        event_type: 'CONTENT_PROVISIONED',
        from_state: 'awaiting_spellcheck',
        to_state: 'awaiting_spellcheck',
        rejected: true,
      },
    ]);
    const status = (
      (await database.db.execute(
        sql`select topic, key, payload from outbox order by id`,
      )) as unknown as { rows: { topic: string; key: string; payload: string }[] }
    ).rows
      .filter((r) => r.topic === 'huleedu.essay.lifecycle.state.updated.v1')
      .map((r) => {
        const data = (JSON.parse(r.payload) as { data: Record<string, unknown> }).data;
        return [r.key, data.batch_id, data.from_status, data.to_status];
      });
    expect(status).toEqual([
      ['e1', 'b1', null, 'ready_for_processing'],
      ['e1', 'b1', 'ready_for_processing', 'awaiting_spellcheck'],
    ]);
  });

  it('tells an observer each committed step: how an actor appeared (created, or loaded, once), the event, the verdict and the state', async () => {
    const steps: ObservedStep[] = [];
    const observed = new ActorRuntime({
      repository: new ActorRepository(database.db),
      definitions: MACHINE_DEFINITIONS,
      effects: ACTOR_EFFECTS,
      cache: new SnapshotCache(100, 60_000),
      observer: { committed: (s) => steps.push(...s) },
    });
    await runtime.process([provisioned('e2')]); // e2 exists in the database only
    await observed.process([provisioned('e1'), initiated('e1'), initiated('e2')]);
    await observed.process([{ ...initiated('e1'), eventId: 'again' }]);
    expect(
      steps.map((s) => [
        s.actorId,
        s.appeared?.how,
        s.appeared?.snapshot.value,
        s.event.type,
        s.rejected,
        s.snapshot.value,
        s.snapshot.status,
        s.definition.id,
      ]),
    ).toEqual([
      [
        'e1',
        'created',
        'ready_for_processing',
        'CONTENT_PROVISIONED',
        false,
        'ready_for_processing',
        'active',
        MACHINE_DEFINITIONS.essay.id,
      ],
      [
        'e1',
        undefined,
        undefined,
        'PHASE_INITIATED',
        false,
        'awaiting_spellcheck',
        'active',
        MACHINE_DEFINITIONS.essay.id,
      ],
      [
        'e2',
        'loaded',
        'ready_for_processing',
        'PHASE_INITIATED',
        false,
        'awaiting_spellcheck',
        'active',
        MACHINE_DEFINITIONS.essay.id,
      ],
      [
        'e1',
        undefined,
        undefined,
        'PHASE_INITIATED',
        true,
        'awaiting_spellcheck',
        'active',
        MACHINE_DEFINITIONS.essay.id,
      ],
    ]);
    // A batch that rolls back is never reported.
    const before = steps.length;
    await observed.process([]);
    await runtime.process([{ ...initiated('e1'), eventId: 'elsewhere' }]);
    await expect(observed.process([{ ...initiated('e1'), eventId: 'fenced' }])).rejects.toThrow(
      /fenced by a concurrent writer: essay:e1/,
    );
    expect(steps).toHaveLength(before);
  });

  it('a snapshot of an unknown version is a permanent error naming the actor and both versions', () => {
    const error = new UnknownMachineVersionError('batch', 'b9', 4, 2);
    expect(error).toMatchObject({
      name: 'UnknownMachineVersionError',
      code: 'HULEEDU_PROCESSING_FAILED',
      retryable: false,
      details: { actorType: 'batch', actorId: 'b9', found: 4, current: 2 },
    });
  });

  it('names at most five fenced actors in the message, all of them in the details', () => {
    const actors = ['a', 'b', 'c', 'd', 'e', 'f'];
    const error = new ActorFencedError(actors);
    expect(error.message).toBe('fenced by a concurrent writer: a, b, c, d, e');
    expect(error.details).toEqual({ actors });
    expect(error.code).toBe('HULEEDU_TRANSIENT');
  });

  it('an empty batch does nothing and writes nothing', async () => {
    expect(await runtime.process([])).toEqual({
      applied: 0,
      rejected: 0,
      duplicates: 0,
      stateChanges: [],
      unknownActors: [],
    });
    expect(await count('journal')).toBe(0);
  });

  it('two batches on the same actor at once run one after the other: neither is fenced by the other', async () => {
    await runtime.process([provisioned('e1')]);
    const [a, b] = await Promise.all([
      runtime.process([initiated('e1')]),
      runtime.process([{ ...initiated('e1'), eventId: 'init-again' }, provisioned('e2')]),
    ]);
    expect([a.applied, b.applied, b.rejected]).toEqual([1, 1, 1]);
    // Three at once: the third waits for the second as well, not only for the first.
    const three = await Promise.all(
      ['x', 'y', 'z'].map((n) =>
        runtime.process([{ ...initiated('e1'), eventId: `init-${n}` }, provisioned(`e-${n}`)]),
      ),
    );
    expect(three.map((r) => r.rejected)).toEqual([1, 1, 1]);
    cache.clear();
    expect((await runtime.read('essay', 'e1'))?.version).toBe(6);
  });

  it('a rejected event takes a version like any other: the next event applies on top of it', async () => {
    await runtime.process([provisioned('e1'), initiated('e1')]);
    await runtime.process([{ ...provisioned('e1'), eventId: 'provisioned-again' }]);
    const next = await runtime.process([
      {
        actorType: 'essay',
        actorId: 'e1',
        eventId: 'ok',
        event: { type: 'DISPATCH_PHASE', phase: 'spellcheck' },
      },
    ]);
    expect(next).toMatchObject({ applied: 1, rejected: 0 });
    cache.clear();
    expect((await runtime.read('essay', 'e1'))?.version).toBe(4);
  });

  it('an event for an actor that does not exist is counted, reported, and leaves no actor behind', async () => {
    const nobody = { ...initiated('nobody'), eventId: 'init-nobody' };
    const r = await runtime.process([nobody, { ...nobody, eventId: 'init-nobody-2' }]);
    expect(r).toMatchObject({ applied: 0, rejected: 2, duplicates: 0 });
    expect(r.unknownActors.map((d) => d.eventId)).toEqual(['init-nobody', 'init-nobody-2']);
    expect(await runtime.read('essay', 'nobody')).toBeUndefined();
    expect(cache.has('essay|nobody')).toBe(false);
  });

  it('an actor loaded from the database appears to the observer once, with its first event; a batch of duplicates reports nothing', async () => {
    const batches: ObservedStep[][] = [];
    const observed = new ActorRuntime({
      repository: new ActorRepository(database.db),
      definitions: MACHINE_DEFINITIONS,
      effects: ACTOR_EFFECTS,
      cache: new SnapshotCache(100, 60_000),
      observer: { committed: (s) => batches.push([...s]) },
    });
    await runtime.process([provisioned('e1')]);
    await observed.process([initiated('e1'), { ...initiated('e1'), eventId: 'twice' }]);
    expect(batches.flat().map((s) => s.appeared?.how)).toEqual(['loaded', undefined]);
    await observed.process([initiated('e1')]);
    expect(batches, 'an observer told of a batch of duplicates').toHaveLength(1);
  });
});
