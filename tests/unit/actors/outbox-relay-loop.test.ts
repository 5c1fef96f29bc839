import { afterEach, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../../actors/runtime/index.ts';
import type { OutgoingMessage } from '../../../common-core/index.ts';
import type { OutboxRepository, PendingOutboxRow, SentRows } from '../../../db/index.ts';
import { recordingLogger } from '../../helpers/recording-logger.ts';
import { waitFor } from '../../helpers/wait-for.ts';

/** An outbox of pending rows that the relay takes in batches, as the repository does. */
function fakeOutbox() {
  const pending: PendingOutboxRow[] = [];
  const calls: { limit: number; sentRows: SentRows | undefined }[] = [];
  let nextId = 1;
  let fail = 0;
  const repository = {
    relayBatch: async (
      limit: number,
      publish: (rows: PendingOutboxRow[]) => Promise<void>,
      sentRows?: SentRows,
    ) => {
      calls.push({ limit, sentRows });
      if (fail > 0) {
        fail--;
        throw new Error('database away');
      }
      const rows = pending.slice(0, limit);
      if (rows.length === 0) return 0;
      await publish(rows);
      pending.splice(0, rows.length);
      return rows.length;
    },
    pruneSent: async () => 0,
  } as unknown as OutboxRepository;
  return {
    repository,
    calls,
    add: (n: number) => {
      for (let i = 0; i < n; i++) {
        const id = nextId++;
        pending.push({
          id,
          topic: 'huleedu.t.v1',
          key: `k${id}`,
          headers: { h: String(id) },
          payload: `{"n":${id}}`,
          eventId: `ev-${id}`,
        } as PendingOutboxRow);
      }
    },
    failNext: (n: number) => {
      fail = n;
    },
    pending: () => pending.length,
  };
}

function fakePublisher() {
  const published: OutgoingMessage[][] = [];
  let refuse = false;
  return {
    published,
    refuseAll: (on: boolean) => {
      refuse = on;
    },
    publisher: {
      publish: async (messages: readonly OutgoingMessage[]) => {
        if (refuse) throw new Error('broker away');
        published.push([...messages]);
      },
      close: async () => {},
      [Symbol.asyncDispose]: async () => {},
    },
  };
}

describe('outbox relay loop (fake outbox and publisher)', () => {
  let relay: OutboxRelay | undefined;
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
  });

  it('drains in batches of 500 by default, each row as a message with its event id, and marks rows sent', async () => {
    const outbox = fakeOutbox();
    const pub = fakePublisher();
    outbox.add(1_001);
    const r = new OutboxRelay(outbox.repository, pub.publisher, recordingLogger());
    expect(await r.drain()).toBe(1_001);
    expect(pub.published.map((b) => b.length)).toEqual([500, 500, 1]);
    expect(outbox.calls.map((c) => c.limit)).toEqual([500, 500, 500, 500]);
    expect(outbox.calls.every((c) => c.sentRows === 'mark')).toBe(true);
    expect(pub.published[0]?.[0]).toEqual({
      topic: 'huleedu.t.v1',
      key: 'k1',
      headers: { h: '1' },
      value: Buffer.from('{"n":1}', 'utf8'),
      id: 'ev-1',
    });
    expect(await r.drain(), 'nothing left').toBe(0);
  });

  it('deletes rows as it publishes them when no retention is kept, and takes a batch size', async () => {
    const outbox = fakeOutbox();
    const pub = fakePublisher();
    outbox.add(5);
    const r = new OutboxRelay(outbox.repository, pub.publisher, recordingLogger(), {
      retainSentMs: 0,
      batchSize: 2,
    });
    expect(await r.drain()).toBe(5);
    expect(pub.published.map((b) => b.length)).toEqual([2, 2, 1]);
    expect(outbox.calls.map((c) => [c.limit, c.sentRows])).toEqual([
      [2, 'delete'],
      [2, 'delete'],
      [2, 'delete'],
      [2, 'delete'],
    ]);
  });

  it('a poke makes the idle relay look at once, long before its idle pause ends', async () => {
    const outbox = fakeOutbox();
    const pub = fakePublisher();
    relay = new OutboxRelay(outbox.repository, pub.publisher, recordingLogger(), {
      idleMs: 600_000,
    });
    relay.start();
    await waitFor('the first empty look', () => outbox.calls.length === 1);
    outbox.add(3);
    relay.poke();
    await waitFor('published after the poke', () => pub.published.flat().length === 3);
  });

  it('logs a failed round and retries after its pause, losing nothing', async () => {
    const outbox = fakeOutbox();
    const pub = fakePublisher();
    const logger = recordingLogger();
    outbox.add(2);
    outbox.failNext(1);
    relay = new OutboxRelay(outbox.repository, pub.publisher, logger, { idleMs: 5 });
    relay.start();
    await waitFor('published after the failure', () => pub.published.flat().length === 2);
    expect(logger.records).toEqual([
      { level: 'warn', fields: { err: 'database away' }, msg: 'outbox relay failed; retrying' },
    ]);
  });

  it('on stop, publishes what is left once; a failing final drain is logged, not thrown', async () => {
    const outbox = fakeOutbox();
    const pub = fakePublisher();
    const r = new OutboxRelay(outbox.repository, pub.publisher, recordingLogger(), {
      idleMs: 600_000,
    });
    r.start();
    await waitFor('the first empty look', () => outbox.calls.length === 1);
    outbox.add(4);
    await r.stop();
    expect(pub.published.flat().map((m) => m.id)).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4']);

    const logger = recordingLogger();
    const failing = new OutboxRelay(outbox.repository, pub.publisher, logger, { idleMs: 600_000 });
    failing.start();
    await waitFor('its first empty look', () => outbox.calls.length >= 4);
    outbox.add(1);
    pub.refuseAll(true);
    await failing.stop();
    expect(logger.records).toEqual([
      { level: 'warn', fields: { err: 'broker away' }, msg: 'final outbox drain failed' },
    ]);
    expect(outbox.pending(), 'the row stays for the next run').toBe(1);
  });
});
