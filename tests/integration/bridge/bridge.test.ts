import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Routes, RoutesSchema, startBridge } from '../../../bridge/index.ts';
import { JetStreamPublisher, KafkaPublisher, silentLogger } from '../../../messaging/index.ts';
import { asMessage, spellcheckRequest } from '../../helpers/envelopes.ts';
import {
  createTestStream,
  createTestTopics,
  readTopic,
  type TestStream,
  testKafka,
  uniqueName,
} from '../../helpers/infra.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const kafka = testKafka();

/** A route table of one NATS -> Kafka route, with the defaults a route file gets. */
const natsToKafka = (route: Record<string, unknown>): Routes =>
  RoutesSchema.parse({ natsToKafka: [route] });

describe('NATS <-> Kafka bridge (real servers)', () => {
  let s: TestStream;
  let topic: string;
  let cleanTopics: () => Promise<void>;
  beforeEach(async () => {
    s = await createTestStream();
    topic = uniqueName('test.bridge');
    cleanTopics = await createTestTopics(kafka, [topic]);
  });
  afterEach(async () => {
    await cleanTopics();
    await s.cleanup();
  });

  it('NATS -> Kafka: every message arrives, in order per key, with its key and all headers; poison is dead-lettered', async () => {
    const subject = s.subject('in');
    const pub = new JetStreamPublisher(s.nc);
    const keys = ['e1', 'e2', 'e3', 'e4', 'e5'];
    const envs = Array.from({ length: 300 }, (_, i) => spellcheckRequest(keys[i % 5] as string, i));
    await pub.publish(
      envs.map((e, i) => ({
        ...asMessage(subject, e, keys[i % 5] as string),
        headers: { 'x-test': 'yes', 'x-seq': String(i) },
      })),
    );
    await pub.publish([
      {
        topic: subject,
        key: 'bad',
        value: Buffer.from('not json'),
        headers: { 'x-test': 'poison' },
      },
    ]);
    const bridge = await startBridge({
      routes: natsToKafka({ name: 'in', stream: s.stream, subject, durable: 'bridge_in', topic }),
      nc: s.nc,
      kafka,
      registry: new Registry(),
      logger: silentLogger,
    });
    try {
      const got = await readTopic(kafka, topic, 300);
      expect(got).toHaveLength(300);
      for (const key of keys) {
        const seqs = got.filter((m) => m.key === key).map((m) => Number(m.headers['x-seq']));
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(seqs).toHaveLength(60);
      }
      expect(got[0]?.headers['x-test']).toBe('yes');
      expect(got[0]?.headers['huleedu-key']).toBe(got[0]?.key);
      expect(
        got.every(
          (m) =>
            m.headers['Nats-Msg-Id'] === (JSON.parse(m.value) as { event_id: string }).event_id,
        ),
      ).toBe(true);
      const dlt = await readTopic(kafka, `${topic}.DLT`, 1);
      const body = JSON.parse(dlt[0]?.value ?? '{}') as {
        error: { message: string };
        original: { payload: string };
      };
      expect(body.error.message).toBe('payload is not JSON');
      expect(body.original.payload).toBe('not json');
      expect(bridge.health().healthy).toBe(true);
    } finally {
      await bridge.close();
    }
    // Everything was acked: nothing waits in the durable consumer.
    await waitFor(
      'all acked',
      async () => (await s.jsm.consumers.info(s.stream, 'bridge_in')).num_ack_pending === 0,
    );
  });

  it('NATS -> Kafka: writes are split to fit Kafka; a message Kafka refuses is dead-lettered and the route flows on', async () => {
    // Repro: a batch above the broker's size limit was retried forever and the route stalled.
    const small = uniqueName('test.bridge.small');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: small,
          numPartitions: 1,
          configEntries: [{ name: 'max.message.bytes', value: '200000' }],
        },
        { topic: `${small}.DLT`, numPartitions: 1 },
      ],
    });
    const subject = s.subject('big');
    const pub = new JetStreamPublisher(s.nc);
    const sized = (i: number, bytes: number) => ({
      ...asMessage(subject, spellcheckRequest('e1', i, bytes), 'e1'),
      headers: { 'x-seq': String(i) },
    });
    // 4 x 150 KB: together above the topic's 200 KB, each below it; 300 KB: refused alone.
    const sent = [sized(0, 0), sized(1, 150_000), sized(2, 150_000), sized(3, 300_000)];
    sent.push(sized(4, 150_000), sized(5, 150_000), sized(6, 0));
    await pub.publish(sent);
    const bridge = await startBridge({
      routes: natsToKafka({
        name: 'big',
        stream: s.stream,
        subject,
        durable: 'bridge_big',
        topic: small,
      }),
      nc: s.nc,
      kafka,
      registry: new Registry(),
      logger: silentLogger,
    });
    try {
      const got = await readTopic(kafka, small, 6);
      expect(got.map((m) => Number(m.headers['x-seq']))).toEqual([0, 1, 2, 4, 5, 6]);
      const dlt = await readTopic(kafka, `${small}.DLT`, 1);
      const body = JSON.parse(dlt[0]?.value ?? '{}') as {
        error: { message: string };
        original: { payload_truncated: boolean; payload_bytes: number; payload_sha256: string };
      };
      expect(body.error.message).toMatch(/^Kafka refused it: /);
      // 300 KB fits a dead letter (bounded at 900 KB), so it is kept whole.
      expect(body.original.payload_truncated).toBe(false);
      expect(body.original.payload_sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(body.original.payload_bytes).toBe(sent[3]?.value.length);
      expect(dlt[0]?.headers['x-seq']).toBe('3');
    } finally {
      await bridge.close();
      await admin.deleteTopics({ topics: [small, `${small}.DLT`] }).catch(() => {});
      await admin.disconnect();
    }
  });

  it('Kafka -> NATS: key and headers carried, order per key kept, and a replay is deduplicated by JetStream', async () => {
    const producer = await KafkaPublisher.connect(kafka);
    const keys = ['k1', 'k2', 'k3'];
    await producer.publish(
      Array.from({ length: 300 }, (_, i) => ({
        ...asMessage(topic, spellcheckRequest(keys[i % 3] as string, i), keys[i % 3] as string),
        headers: { 'x-seq': String(i) },
      })),
    );
    await producer.close();
    const route = (group: string) => ({
      natsToKafka: [],
      kafkaToNats: [
        { name: 'out', topic, group, subject: s.subject('out.{key}'), maxBytes: 1_000_000 },
      ],
    });
    const first = await startBridge({
      routes: route(uniqueName('g')),
      nc: s.nc,
      kafka,
      registry: new Registry(),
      logger: silentLogger,
    });
    try {
      await waitFor(
        '300 stored in JetStream',
        async () => (await s.jsm.streams.info(s.stream)).state.messages === 300,
        45_000,
      );
    } finally {
      await first.close();
    }
    const seqs = new Map<string, number[]>();
    for (let seq = 1; seq <= 300; seq++) {
      const m = await s.jsm.streams.getMessage(s.stream, { seq });
      const key = m?.header?.get('huleedu-key') ?? '';
      expect(m?.subject).toBe(s.subject(`out.${key}`));
      seqs.set(key, [...(seqs.get(key) ?? []), Number(m?.header?.get('x-seq'))]);
    }
    for (const key of keys) {
      const got = seqs.get(key) ?? [];
      expect(got).toHaveLength(100);
      expect(got).toEqual([...got].sort((a, b) => a - b));
    }
    // A replay (a new group reads everything again) is published again and recognised as duplicates.
    const registry = new Registry();
    const replay = await startBridge({
      routes: route(uniqueName('g')),
      nc: s.nc,
      kafka,
      registry,
      logger: silentLogger,
    });
    try {
      await waitFor(
        'replay republished all 300',
        async () =>
          /bridge_messages_total\{route="out",direction="kafka_to_nats"\} 300/.test(
            await registry.metrics(),
          ),
        45_000,
        100,
      );
      expect((await s.jsm.streams.info(s.stream)).state.messages).toBe(300);
    } finally {
      await replay.close();
    }
  }, 150_000);
});
