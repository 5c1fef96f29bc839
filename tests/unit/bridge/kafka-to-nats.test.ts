import type { PubAck } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { EachBatchPayload } from 'kafkajs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BridgeMetrics } from '../../../bridge/bridge-metrics.ts';
import { subjectOf } from '../../../bridge/index.ts';
import { kafkaBatchHandler } from '../../../bridge/kafka-to-nats.ts';
import { MSG_ID_HEADER } from '../../../bridge/nats-to-kafka.ts';
import { type KafkaToNatsRouteConfig, RoutesSchema } from '../../../bridge/routes.ts';
import type { OutgoingMessage } from '../../../common-core/index.ts';
import { type DeadLetter, KEY_HEADER, silentLogger } from '../../../messaging/index.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const labelOf = (r: ReturnType<typeof subjectOf>): string | undefined =>
  'label' in r ? r.label : undefined;

describe('subjectOf (Kafka -> NATS)', () => {
  const route = { subject: 'huleedu.status.v1.{key}', maxBytes: 1_000 };
  const value = Buffer.from('{}');

  it('puts a key that can be a subject token into the subject', () => {
    expect(subjectOf(route, 'essay-1_a:b', value)).toEqual({
      subject: 'huleedu.status.v1.essay-1_a:b',
    });
  });

  it('refuses a key NATS cannot carry in a subject (bug: a 10 KB key made NATS drop the connection on every retry)', () => {
    expect(labelOf(subjectOf(route, 'k'.repeat(10_000), value))).toBe('bad_subject_token');
    for (const key of ['', 'a.b', 'a b', 'a*', 'a>', 'a\u0000'])
      expect(labelOf(subjectOf(route, key, value)), JSON.stringify(key)).toBe('bad_subject_token');
  });

  it('takes any key when the subject does not embed it', () => {
    expect(subjectOf({ ...route, subject: 'huleedu.status.v1' }, 'a.b c', value)).toEqual({
      subject: 'huleedu.status.v1',
    });
  });

  it('fills {field:PATH} from the JSON payload, and refuses a payload without it', () => {
    const live = { subject: 'huleedu.live.v1.{field:data.batch_id}', maxBytes: 1_000 };
    const body = Buffer.from(JSON.stringify({ data: { batch_id: 'b-1' } }));
    expect(subjectOf(live, 'essay-1', body)).toEqual({ subject: 'huleedu.live.v1.b-1' });
    expect(labelOf(subjectOf(live, 'essay-1', Buffer.from('{"data":{"batch_id":null}}')))).toBe(
      'bad_subject_token',
    );
    expect(labelOf(subjectOf(live, 'essay-1', Buffer.from('not json')))).toBe('bad_subject_token');
  });

  it('refuses a payload above the route limit', () => {
    expect(labelOf(subjectOf(route, 'k', Buffer.alloc(1_001)))).toBe('too_large');
  });
});

/** A kafkajs `eachBatch` payload for `messages`, recording offsets resolved and committed. */
function batchPayload(
  messages: { key?: string; value: string; offset: string; headers?: Record<string, string> }[],
  running = () => true,
) {
  const log: string[] = [];
  const payload = {
    batch: {
      topic: 'topic.out',
      partition: 2,
      messages: messages.map((m) => ({
        key: m.key === undefined ? null : Buffer.from(m.key),
        value: Buffer.from(m.value),
        offset: m.offset,
        timestamp: String(Date.now()),
        headers: m.headers ?? {},
      })),
    },
    resolveOffset: (offset: string) => log.push(`resolve ${offset}`),
    heartbeat: async () => {
      log.push('heartbeat');
    },
    commitOffsetsIfNecessary: async (o: {
      topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
    }) => {
      log.push(
        `commit ${o.topics[0]?.partitions[0]?.partition}@${o.topics[0]?.partitions[0]?.offset}`,
      );
    },
    isRunning: running,
  };
  return { payload: payload as unknown as EachBatchPayload, log };
}

/** A JetStream client that records publishes; the test decides each one's fate. */
class FakeJetStream {
  readonly published: { subject: string; data: string; msgID: string; headers: MsgHdrs }[] = [];
  fail = 0;
  duplicates = new Set<string>();
  held: (() => void)[] = [];
  hold = false;
  async publish(subject: string, data: Uint8Array, opts: { msgID: string; headers: MsgHdrs }) {
    if (this.fail > 0) {
      this.fail--;
      throw new Error('no responders');
    }
    if (this.hold) await new Promise<void>((r) => this.held.push(r));
    this.published.push({
      subject,
      data: Buffer.from(data).toString(),
      msgID: opts.msgID,
      headers: opts.headers,
    });
    return {
      duplicate: this.duplicates.has(opts.msgID),
      seq: this.published.length,
      stream: 'S',
    } as PubAck;
  }
}

describe('Kafka -> NATS batch handler (fake JetStream)', () => {
  const route = RoutesSchema.parse({
    kafkaToNats: [
      { name: 'out', topic: 'topic.out', group: 'g', subject: 'live.{key}', maxBytes: 300 },
    ],
  }).kafkaToNats[0] as KafkaToNatsRouteConfig;
  const setup = () => {
    const js = new FakeJetStream();
    const dlt: OutgoingMessage[][] = [];
    const health: boolean[] = [];
    const registry = new Registry();
    const handle = kafkaBatchHandler(route, {
      jetstream: js,
      dlt: { publish: async (ms: readonly OutgoingMessage[]) => void dlt.push([...ms]) },
      metrics: new BridgeMetrics(registry),
      logger: silentLogger,
      setHealthy: (up) => health.push(up),
    });
    const metric = async (name: string) =>
      ((await registry.getSingleMetric(name)?.get())?.values ?? []).reduce(
        (n, v) => n + v.value,
        0,
      );
    return { js, dlt, health, handle, metric };
  };

  it('publishes in order with the key as subject token and header, the dedup id from the header, the event id or the log position, and commits after every PubAck', async () => {
    const { js, handle, health, metric } = setup();
    const { payload, log } = batchPayload([
      { key: 'e1', value: '{"event_id":"ev-1"}', offset: '10', headers: { a: '1' } },
      { key: 'e2', value: 'not json', offset: '11' },
      {
        key: 'e1',
        value: '{"event_id":"ev-3"}',
        offset: '12',
        headers: { [MSG_ID_HEADER]: 'hdr-3' },
      },
    ]);
    await handle(payload);
    expect(js.published.map((p) => [p.subject, p.msgID])).toEqual([
      ['live.e1', 'ev-1'],
      ['live.e2', 'topic.out/2/11'],
      ['live.e1', 'hdr-3'],
    ]);
    expect(js.published[0]?.headers.get('a')).toBe('1');
    expect(js.published[0]?.headers.get(KEY_HEADER)).toBe('e1');
    expect(js.published[2]?.headers.has(MSG_ID_HEADER), 'the id travels as msgID, not twice').toBe(
      false,
    );
    expect(log).toEqual(['resolve 12', 'commit 2@13', 'heartbeat']);
    expect(health).toEqual([true]);
    expect(await metric('bridge_messages_total')).toBe(3);
    expect(await metric('bridge_in_flight')).toBe(0);
  });

  it('commits nothing while a PubAck is outstanding', async () => {
    const { js, handle } = setup();
    js.hold = true;
    const { payload, log } = batchPayload([{ key: 'e1', value: '{}', offset: '0' }]);
    const handling = handle(payload);
    await waitFor('the publish started', () => js.held.length === 1);
    expect(log, 'offsets committed before JetStream stored the message').toEqual([]);
    for (const r of js.held) r();
    await handling;
    expect(log).toEqual(['resolve 0', 'commit 2@1', 'heartbeat']);
  });

  it('dead-letters a message it cannot bridge with the reason, after JetStream took the rest, and still commits past it', async () => {
    const { js, dlt, handle, metric } = setup();
    const { payload, log } = batchPayload([
      { key: 'a.b', value: '{}', offset: '3' },
      { key: 'e1', value: 'x'.repeat(301), offset: '4' },
      { key: 'e1', value: '{}', offset: '5' },
    ]);
    await handle(payload);
    expect(js.published.map((p) => p.subject)).toEqual(['live.e1']);
    const letters = (dlt[0] ?? []).map(
      (m) => JSON.parse(Buffer.from(m.value).toString()) as DeadLetter,
    );
    expect(letters.map((l) => [l.original.offset, l.error.code])).toEqual([
      ['3', 'HULEEDU_BRIDGE_REJECTED'],
      ['4', 'HULEEDU_BRIDGE_REJECTED'],
    ]);
    expect(letters[0]?.error.message).toContain('cannot be a NATS subject token');
    expect(letters[1]?.error.message).toBe('payload of 301 bytes exceeds 300');
    expect(dlt[0]?.[0]?.topic).toBe('topic.out.DLT');
    expect(log).toEqual(['resolve 5', 'commit 2@6', 'heartbeat']);
    expect(await metric('bridge_dead_letters_total')).toBe(2);
    expect(await metric('bridge_messages_total')).toBe(1);
  });

  it('retries the whole batch while JetStream fails (down meanwhile), then commits', async () => {
    const { js, handle, health, metric } = setup();
    js.fail = 1;
    js.duplicates.add('ev-1');
    const { payload, log } = batchPayload([
      { key: 'e1', value: '{"event_id":"ev-1"}', offset: '7' },
    ]);
    await handle(payload);
    expect(health).toEqual([false, true]);
    expect(log).toEqual(['heartbeat', 'resolve 7', 'commit 2@8', 'heartbeat']);
    expect(await metric('bridge_failures_total')).toBe(1);
    expect(await metric('bridge_duplicates_total')).toBe(1);
  });

  it('on shutdown during a failure, throws without committing (the batch is replayed later)', async () => {
    const { js, handle } = setup();
    js.fail = 1;
    let running = true;
    const { payload, log } = batchPayload([{ key: 'e1', value: '{}', offset: '7' }], () => {
      const was = running;
      running = false;
      return was;
    });
    await expect(handle(payload)).rejects.toThrow('no responders');
    expect(log).toEqual([]);
  });

  it('does nothing with an empty batch', async () => {
    const { js, handle } = setup();
    const { payload, log } = batchPayload([]);
    await handle(payload);
    expect(js.published).toEqual([]);
    expect(log).toEqual([]);
  });
});
