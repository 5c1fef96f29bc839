import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActorRepository,
  type BatchWrite,
  type Database,
  emptyBatchWrite,
  OutboxRepository,
  openDatabase,
  type SnapshotRow,
  VersionConflict,
} from '../../../db/index.ts';

const row = (actorId: string, version: number): SnapshotRow => ({
  actorType: 'essay',
  actorId,
  machineId: 'essay',
  machineVersion: 1,
  snapshot: { value: 'x', context: { v: version } },
  version,
  status: 'x',
});

const batch = (part: Partial<BatchWrite>): BatchWrite => ({ ...emptyBatchWrite(), ...part });

// One embedded database for the file: the blocks touch different actors.
let database: Database;
let repo: ActorRepository;
beforeAll(async () => {
  database = await openDatabase({ url: 'pglite://memory' });
  repo = new ActorRepository(database.db);
});
afterAll(async () => {
  await database.close();
});

describe('ActorRepository.writeBatch (PGlite): fencing', () => {
  beforeAll(async () => {
    await repo.writeBatch(batch({ inserts: [row('a', 1), row('b', 1), row('c', 1)] }));
  });

  const conflict = async (write: BatchWrite): Promise<VersionConflict> => {
    const error = await repo.writeBatch(write).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VersionConflict);
    return error as VersionConflict;
  };

  it('names exactly the actors whose version moved on, and writes nothing', async () => {
    const error = await conflict(
      batch({
        updates: [
          { ...row('a', 2), expectedVersion: 1 },
          { ...row('b', 2), expectedVersion: 5 }, // stale: b is at 1
          { ...row('c', 2), expectedVersion: 1 },
          { ...row('gone', 2), expectedVersion: 1 }, // no such actor
        ],
      }),
    );
    expect(error.actors).toEqual(['essay:b', 'essay:gone']);
    const stored = await repo.loadSnapshots([{ actorType: 'essay', actorId: 'a' }]);
    expect(stored[0]?.version).toBe(1);
  });

  it('names exactly the actors another writer created first, and writes nothing', async () => {
    const error = await conflict(batch({ inserts: [row('new', 1), row('a', 1)] }));
    expect(error.actors).toEqual(['essay:a']);
    expect(await repo.loadSnapshots([{ actorType: 'essay', actorId: 'new' }])).toEqual([]);
  });

  it('applies a batch whose versions all match', async () => {
    await repo.writeBatch(batch({ updates: [{ ...row('a', 2), expectedVersion: 1 }] }));
    const stored = await repo.loadSnapshots([{ actorType: 'essay', actorId: 'a' }]);
    expect(stored[0]).toMatchObject({ version: 2, snapshot: { value: 'x', context: { v: 2 } } });
  });
});

describe('ActorRepository.writeBatch (PGlite): timers', () => {
  const arm = (seq: number) => ({
    actorType: 'essay',
    actorId: 'e1',
    timerKey: 'timeout',
    seq,
    dueAt: new Date(0),
    event: { type: 'T', seq },
  });
  const fired = (seq: number) => ({ actorType: 'essay', actorId: 'e1', timerKey: 'timeout', seq });
  const armed = async () =>
    (await new OutboxRepository(database.db).dueTimers(new Date(), 10)).map((t) => t.seq);

  it('re-arming replaces the timer; the firing of an older arming leaves the new one', async () => {
    await repo.writeBatch(batch({ timersSet: [arm(2)] }));
    await repo.writeBatch(batch({ timersSet: [arm(5)] }));
    expect(await armed()).toEqual([5]);
    await repo.writeBatch(batch({ timersFired: [fired(2)] }));
    expect(await armed()).toEqual([5]);
    await repo.writeBatch(batch({ timersFired: [fired(5)] }));
    expect(await armed()).toEqual([]);
  });
});
