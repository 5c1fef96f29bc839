import type { PubAck } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { EachBatchPayload } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BridgeMetrics } from '../../../bridge/bridge-metrics.ts';
import { subjectOf } from '../../../bridge/index.ts';
import {
  consumerLag,
  type KafkaSource,
  kafkaBatchHandler,
  runKafkaToNats,
} from '../../../bridge/kafka-to-nats.ts';
import { MSG_ID_HEADER, type RouteHandle } from '../../../bridge/nats-to-kafka.ts';
import { type KafkaToNatsRouteConfig, RoutesSchema } from '../../../bridge/routes.ts';
import type { OutgoingMessage } from '../../../common-core/index.ts';
import { type DeadLetter, KEY_HEADER } from '../../../messaging/index.ts';
import { metricValues } from '../../helpers/metric-values.ts';
import { recordingLogger } from '../../helpers/recording-logger.ts';
import { threeTicksOf, waitFor } from '../../helpers/wait-for.ts';

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

  it('refuses a payload above the route limit, and takes one of exactly the limit', () => {
    expect(subjectOf(route, 'k', Buffer.alloc(1_001))).toEqual({
      label: 'too_large',
      message: 'payload of 1001 bytes exceeds 1000',
    });
    expect(subjectOf(route, 'k', Buffer.alloc(1_000))).toEqual({ subject: 'huleedu.status.v1.k' });
  });

  it('says which token failed and why: the key or the field, missing or unfit', () => {
    const live = { subject: 'x.{field:data.batch_id}.{key}', maxBytes: 1_000 };
    expect(subjectOf(live, 'k', Buffer.from('{}'))).toEqual({
      label: 'bad_subject_token',
      message: 'no field data.batch_id for the subject',
    });
    expect(subjectOf(live, 'a b', Buffer.from('{"data":{"batch_id":"b"}}'))).toEqual({
      label: 'bad_subject_token',
      message: 'key of 3 characters cannot be a NATS subject token (1-256 of A-Z a-z 0-9 _ - :)',
    });
    expect(subjectOf(live, 'k', Buffer.from('{"data":{"batch_id":"b.c"}}'))).toEqual({
      label: 'bad_subject_token',
      message:
        'field data.batch_id of 3 characters cannot be a NATS subject token (1-256 of A-Z a-z 0-9 _ - :)',
    });
  });

  it('parses a payload once however many fields the subject takes from it', () => {
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const two = { subject: '{field:a}.{field:b}.{field:a}', maxBytes: 1_000 };
      expect(subjectOf(two, 'k', Buffer.from('{"a":"x","b":"y"}'))).toEqual({ subject: 'x.y.x' });
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });
});

/** A kafkajs `eachBatch` payload for `messages`, recording offsets resolved and committed. */
function batchPayload(
  messages: {
    key?: string;
    value: string;
    offset: string;
    headers?: Record<string, string>;
    timestamp?: number;
  }[],
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
        timestamp: String(m.timestamp ?? Date.now()),
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
  const setup = (routeUnderTest: KafkaToNatsRouteConfig = route) => {
    const js = new FakeJetStream();
    const dlt: OutgoingMessage[][] = [];
    const health: boolean[] = [];
    const registry = new Registry();
    const logger = recordingLogger();
    const handle = kafkaBatchHandler(routeUnderTest, {
      jetstream: js,
      dlt: { publish: async (ms: readonly OutgoingMessage[]) => void dlt.push([...ms]) },
      metrics: new BridgeMetrics(registry),
      logger,
      setHealthy: (up) => health.push(up),
    });
    const metric = async (name: string) =>
      ((await registry.getSingleMetric(name)?.get())?.values ?? []).reduce(
        (n, v) => n + v.value,
        0,
      );
    const series = (name: string) => metricValues(registry, name);
    return { js, dlt, health, handle, metric, series, logger };
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

  it('counts and logs each dead letter by route, direction and reason, non-retryable; publishes no dead letters when there are none', async () => {
    const longField = `{field:${'f'.repeat(400)}}`;
    const { dlt, handle, series, logger } = setup({ ...route, subject: `live.${longField}` });
    const { payload } = batchPayload([
      { key: 'e1', value: '{}', offset: '3' },
      { key: 'e1', value: 'x'.repeat(301), offset: '4' },
    ]);
    await handle(payload);
    const labels = { route: 'out', direction: 'kafka_to_nats' };
    expect(await series('bridge_dead_letters_total')).toEqual([
      {
        name: 'bridge_dead_letters_total',
        labels: { ...labels, reason: 'bad_subject_token' },
        value: 1,
      },
      { name: 'bridge_dead_letters_total', labels: { ...labels, reason: 'too_large' }, value: 1 },
    ]);
    const letter = JSON.parse(Buffer.from(dlt[0]?.[0]?.value ?? '').toString()) as DeadLetter;
    expect(letter.error.retryable).toBe(false);
    expect(letter.consumer_group).toBe('out');
    expect(letter.attempts).toBe(1);
    const warned = logger.records.filter((r) => r.msg === 'message dead-lettered');
    expect(warned.map((r) => r.level)).toEqual(['warn', 'warn']);
    expect(warned[1]?.fields).toEqual({
      route: 'out',
      topic: 'topic.out',
      partition: 2,
      offset: '4',
      code: 'HULEEDU_BRIDGE_REJECTED',
      reason: 'payload of 301 bytes exceeds 300',
    });
    expect(String(warned[0]?.fields.reason)).toHaveLength(300);

    const clean = setup();
    await clean.handle(batchPayload([{ key: 'e1', value: '{}', offset: '9' }]).payload);
    expect(clean.dlt, 'an empty dead-letter write').toEqual([]);
    expect(await clean.series('bridge_duplicates_total'), 'a duplicate count of 0').toEqual([]);
  });

  it('reports in flight, bytes, latency and only the duplicates JetStream flagged, per route', async () => {
    const { js, handle, series } = setup();
    js.duplicates.add('ev-2');
    js.hold = true;
    const { payload } = batchPayload([
      { key: 'e1', value: '{"event_id":"ev-1"}', offset: '1', timestamp: Date.now() - 3_000 },
      { key: 'e1', value: '{"event_id":"ev-2"}', offset: '2', timestamp: Date.now() - 3_000 },
    ]);
    const handling = handle(payload);
    await waitFor('both publishes started', () => js.held.length === 2);
    const labels = { route: 'out', direction: 'kafka_to_nats' };
    expect(await series('bridge_in_flight')).toEqual([
      { name: 'bridge_in_flight', labels, value: 2 },
    ]);
    for (const r of js.held) r();
    await handling;
    expect(await series('bridge_in_flight')).toEqual([
      { name: 'bridge_in_flight', labels, value: 0 },
    ]);
    expect(await series('bridge_duplicates_total')).toEqual([
      { name: 'bridge_duplicates_total', labels, value: 1 },
    ]);
    expect(await series('bridge_bytes_total')).toEqual([
      { name: 'bridge_bytes_total', labels, value: 38 },
    ]);
    const latency = await series('bridge_latency_seconds');
    const sum = latency.find((v) => v.name === 'bridge_latency_seconds_sum');
    const count = latency.find((v) => v.name === 'bridge_latency_seconds_count');
    expect(count?.value).toBe(2);
    expect(sum?.labels).toEqual(labels);
    // Two messages 3 s old: seconds, not milliseconds.
    expect(sum?.value).toBeGreaterThanOrEqual(6);
    expect(sum?.value).toBeLessThan(60);
  });

  it('logs each failed attempt with its number before retrying', async () => {
    const { js, handle, logger } = setup();
    js.fail = 2;
    await handle(batchPayload([{ key: 'e1', value: '{}', offset: '7' }]).payload);
    expect(
      logger.records
        .filter((r) => r.msg === 'JetStream publish failed; retrying the batch')
        .map((r) => [r.level, r.fields]),
    ).toEqual([
      ['warn', { route: 'out', err: 'no responders', attempt: 1 }],
      ['warn', { route: 'out', err: 'no responders', attempt: 2 }],
    ]);
  });

  it('does nothing with an empty batch', async () => {
    const { js, handle } = setup();
    const { payload, log } = batchPayload([]);
    await handle(payload);
    expect(js.published).toEqual([]);
    expect(log).toEqual([]);
  });
});

describe('consumerLag', () => {
  it("sums each partition's end minus the group's committed offset; a partition never committed counts whole", () => {
    expect(
      consumerLag(
        [
          { partition: 0, high: '10' },
          { partition: 1, high: '7' },
          { partition: 2, high: '5' },
        ],
        [
          {
            partitions: [
              { partition: 1, offset: '4' },
              { partition: 0, offset: '10' },
              { partition: 2, offset: '-1' },
            ],
          },
        ],
      ),
    ).toBe(0 + 3 + 5);
    expect(consumerLag([{ partition: 0, high: '3' }], [])).toBe(3);
  });
});

/** A kafkajs consumer and admin as `runKafkaToNats` uses them, recording calls. */
function fakeKafkaSource() {
  const calls: string[] = [];
  const listeners = new Map<string, (e: { payload: { error: Error } }) => void>();
  let eachBatch: ((p: EachBatchPayload) => Promise<void>) | undefined;
  let closed = false;
  const offsets = {
    ends: [{ partition: 0, high: '12' }],
    committed: [{ partitions: [{ partition: 0, offset: '5' }] }],
    fail: false,
  };
  const source = {
    consumer: {
      events: { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' },
      connect: async () => void calls.push('consumer.connect'),
      subscribe: async (s: unknown) => void calls.push(`subscribe ${JSON.stringify(s)}`),
      on: (event: string, listener: (e: { payload: { error: Error } }) => void) => {
        listeners.set(event, listener);
        return () => {};
      },
      run: async (r: { autoCommit: boolean; eachBatchAutoResolve: boolean; eachBatch: never }) => {
        calls.push(`run autoCommit=${r.autoCommit} autoResolve=${r.eachBatchAutoResolve}`);
        eachBatch = r.eachBatch;
      },
      disconnect: async () => void calls.push('consumer.disconnect'),
    },
    admin: {
      connect: async () => void calls.push('admin.connect'),
      fetchTopicOffsets: async (topic: string) => {
        if (offsets.fail) throw new Error('broker away');
        calls.push(`ends ${topic}`);
        return offsets.ends;
      },
      fetchOffsets: async (o: { groupId: string; topics: string[] }) => {
        calls.push(`committed ${o.groupId} ${o.topics.join()}`);
        return offsets.committed;
      },
      disconnect: async () => void calls.push('admin.disconnect'),
    },
    closed: () => closed,
    lagIntervalMs: 5,
  } as unknown as KafkaSource;
  return {
    source,
    calls,
    offsets,
    emit: (event: string, error = new Error('boom')) =>
      listeners.get(event)?.({ payload: { error } }),
    batch: (p: EachBatchPayload) => {
      if (!eachBatch) throw new Error('run() was not called');
      return eachBatch(p);
    },
    close: () => {
      closed = true;
    },
  };
}

describe('runKafkaToNats (fake consumer, admin and JetStream)', () => {
  const route = RoutesSchema.parse({
    kafkaToNats: [{ name: 'out', topic: 'topic.out', group: 'grp', subject: 'live.{key}' }],
  }).kafkaToNats[0] as KafkaToNatsRouteConfig;
  let handle: RouteHandle | undefined;
  afterEach(async () => {
    await handle?.stop();
    handle = undefined;
  });
  const start = async () => {
    const kafka = fakeKafkaSource();
    const registry = new Registry();
    const logger = recordingLogger();
    const js = new FakeJetStream();
    handle = await runKafkaToNats(route, kafka.source, {
      jetstream: js,
      dlt: { publish: async () => {} },
      metrics: new BridgeMetrics(registry),
      logger,
    });
    const up = async () =>
      (await metricValues(registry, 'bridge_route_up')).map((v) => [v.labels, v.value]);
    return { kafka, registry, logger, js, handle, up };
  };
  const labels = { route: 'out', direction: 'kafka_to_nats' };

  it('subscribes from the beginning, commits by hand, and is healthy once it joins the group', async () => {
    const { kafka, handle: h, up } = await start();
    expect(kafka.calls).toEqual([
      'consumer.connect',
      'subscribe {"topics":["topic.out"],"fromBeginning":true}',
      'run autoCommit=false autoResolve=false',
      'admin.connect',
    ]);
    expect(h.name).toBe('out');
    expect(h.healthy(), 'healthy before joining the group').toBe(false);
    expect(await up()).toEqual([]);
    kafka.emit('consumer.group_join');
    expect(h.healthy()).toBe(true);
    expect(await up()).toEqual([[labels, 1]]);
    kafka.close();
    expect(h.healthy(), 'healthy with the NATS connection closed').toBe(false);
  });

  it('a consumer crash marks the route down and is logged; a batch through marks it up again', async () => {
    const { kafka, handle: h, up, logger, js } = await start();
    kafka.emit('consumer.group_join');
    kafka.emit('consumer.crash', new Error('coordinator lost'));
    expect(h.healthy()).toBe(false);
    expect(await up()).toEqual([[labels, 0]]);
    expect(logger.records).toContainEqual({
      level: 'error',
      fields: { route: 'out', err: 'coordinator lost' },
      msg: 'Kafka consumer crashed; restarting',
    });
    await kafka.batch(batchPayload([{ key: 'e1', value: '{}', offset: '0' }]).payload);
    expect(js.published.map((p) => p.subject)).toEqual(['live.e1']);
    expect(h.healthy()).toBe(true);
    expect(await up()).toEqual([[labels, 1]]);
    js.fail = 1;
    let running = true;
    await expect(
      kafka.batch(
        batchPayload([{ key: 'e1', value: '{}', offset: '1' }], () => {
          const was = running;
          running = false;
          return was;
        }).payload,
      ),
    ).rejects.toThrow('no responders');
    expect(h.healthy(), 'down after a failed publish').toBe(false);
    expect(await up()).toEqual([[labels, 0]]);
  });

  it("keeps the lag gauge at the group's uncommitted messages, and survives a failed lookup", async () => {
    const { kafka, registry } = await start();
    const lag = async () => (await metricValues(registry, 'bridge_consumer_lag'))[0];
    await waitFor('the lag gauge set', async () => (await lag())?.value === 7);
    expect((await lag())?.labels).toEqual(labels);
    expect(kafka.calls).toContain('committed grp topic.out');
    expect(kafka.calls).toContain('ends topic.out');
    kafka.offsets.fail = true;
    kafka.offsets.ends = [{ partition: 0, high: '20' }];
    const before = kafka.calls.length;
    await waitFor('another lookup', () => kafka.calls.length > before + 1);
    expect((await lag())?.value, 'a failed lookup leaves the gauge').toBe(7);
    kafka.offsets.fail = false;
    await waitFor('the lag gauge updated', async () => (await lag())?.value === 15);
  }, 120_000);

  it('stops the lag timer and disconnects the consumer, then the admin', async () => {
    const { kafka, handle: h } = await start();
    await waitFor('a lag lookup', () => kafka.calls.some((c) => c.startsWith('ends')));
    await h.stop();
    handle = undefined;
    expect(kafka.calls.slice(-2)).toEqual(['consumer.disconnect', 'admin.disconnect']);
    const after = kafka.calls.length;
    await threeTicksOf(5, 'the lag period');
    expect(kafka.calls.length, 'lag lookups after stop').toBe(after);
  });
});
