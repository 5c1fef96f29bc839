import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LifecycleSettingsSchema } from '../../../actors/lifecycle/settings.ts';
import { OutboxRelay } from '../../../actors/runtime/index.ts';
import { loadSettings, SettingsError } from '../../../common-core/index.ts';
import {
  ActorRepository,
  emptyBatchWrite,
  OutboxRepository,
  type OutboxRow,
} from '../../../db/index.ts';
import { MemoryBus, silentLogger } from '../../../messaging/index.ts';
import { useDatabase } from '../../helpers/database.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const TOPIC = 'huleedu.test.relay.v1';
const row = (n: number): OutboxRow => ({
  topic: TOPIC,
  key: `essay-${n}`,
  headers: {},
  payload: JSON.stringify({ n }),
  eventId: `event-${n}`,
});

describe('outbox relay on PGlite and the memory bus', () => {
  const database = useDatabase({ url: 'pglite://memory' });
  let bus: MemoryBus;
  let relay: OutboxRelay | undefined;
  beforeEach(async () => {
    bus = new MemoryBus({ partitions: 1 });
    await database().db.execute(sql`delete from outbox`);
    await new ActorRepository(database().db).writeBatch({
      ...emptyBatchWrite(),
      outbox: [row(1), row(2), row(3)],
    });
  });
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
    await bus.close();
  });

  /** Pruning rounds the relay has run (its repository counts them). */
  let prunes = 0;
  const start = async (options: { retainSentMs?: number; pruneEveryMs?: number }) => {
    prunes = 0;
    const repository = new OutboxRepository(database().db);
    const pruneSent = repository.pruneSent.bind(repository);
    repository.pruneSent = async (retainMs) => {
      const pruned = await pruneSent(retainMs);
      prunes++;
      return pruned;
    };
    relay = new OutboxRelay(repository, await bus.publisher(), silentLogger, {
      idleMs: 10,
      pruneEveryMs: 20,
      ...options,
    });
    relay.start();
    await waitFor('rows published', () => bus.messages(TOPIC).length === 3);
  };
  const stored = async () =>
    (
      (await database().db.execute(
        sql`select count(*)::int as n, count(sent_at)::int as sent from outbox`,
      )) as unknown as { rows: { n: number; sent: number }[] }
    ).rows[0];

  it('prunes published rows once they are older than the retention', async () => {
    await start({ retainSentMs: 50 });
    await waitFor('sent rows pruned', async () => (await stored())?.n === 0);
    expect(bus.messages(TOPIC).map((m) => m.key)).toEqual(['essay-1', 'essay-2', 'essay-3']);
  });

  it('with a retention of 0, deletes rows as it publishes them, without waiting for pruning', async () => {
    await start({ retainSentMs: 0, pruneEveryMs: 3_600_000 });
    // Published and deleted in one transaction: once the messages are out, the rows are gone
    // (waitFor: the commit follows the publish), though no pruning round has run.
    await waitFor('published rows deleted', async () => (await stored())?.n === 0);
    expect(bus.messages(TOPIC).map((m) => m.key)).toEqual(['essay-1', 'essay-2', 'essay-3']);
  });

  it('keeps published rows within the retention (default: an hour), marked sent', async () => {
    await start({});
    await waitFor('three pruning rounds', () => prunes >= 3);
    expect(await stored()).toEqual({ n: 3, sent: 3 });
  });
});

describe('LIFECYCLE_OUTBOX_RETAIN_SENT_MS', () => {
  it('defaults to an hour, takes 0, refuses a negative or fractional value', () => {
    const load = (value?: string) =>
      loadSettings('lifecycle', LifecycleSettingsSchema, {
        env: value === undefined ? {} : { LIFECYCLE_OUTBOX_RETAIN_SENT_MS: value },
      }).LIFECYCLE_OUTBOX_RETAIN_SENT_MS;
    expect(load()).toBe(3_600_000);
    expect(load('0')).toBe(0);
    expect(() => load('-1')).toThrow(SettingsError);
    expect(() => load('1.5')).toThrow(/LIFECYCLE_OUTBOX_RETAIN_SENT_MS/);
  });
});
