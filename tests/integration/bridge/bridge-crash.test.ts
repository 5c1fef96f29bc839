import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamPublisher, KafkaPublisher } from '../../../messaging/index.ts';
import { type BridgeProcess, bridgeProcess } from '../../helpers/bridge-process.ts';
import { numberedMessages } from '../../helpers/envelopes.ts';
import {
  createTestStream,
  createTestTopics,
  KAFKA_BROKERS,
  NATS_SERVERS,
  readTopic,
  type TestStream,
  testKafka,
  topicSize,
  uniqueName,
} from '../../helpers/infra.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const N = 10_000;
const KEYS = 50;
const BATCH = 100;
const kafka = testKafka();

describe('bridge killed with SIGKILL in the middle of 10,000 messages each way (real servers)', () => {
  let source: TestStream;
  let target: TestStream;
  let inTopic: string;
  let outTopic: string;
  let cleanTopics: () => Promise<void>;
  let bridge: BridgeProcess;
  const group = uniqueName('bridge-crash');

  beforeAll(async () => {
    source = await createTestStream();
    target = await createTestStream();
    inTopic = uniqueName('test.bridge.crash.in');
    outTopic = uniqueName('test.bridge.crash.out');
    cleanTopics = await createTestTopics(kafka, [inTopic, outTopic]);
    bridge = await bridgeProcess({
      routes: {
        natsToKafka: [
          {
            name: 'in',
            stream: source.stream,
            subject: source.subject('in'),
            durable: 'bridge_crash',
            topic: inTopic,
          },
        ],
        kafkaToNats: [
          { name: 'out', topic: outTopic, group, subject: target.subject('out.{key}') },
        ],
      },
      natsServers: NATS_SERVERS.join(','),
      kafkaBrokers: KAFKA_BROKERS.join(','),
      env: { BRIDGE_BATCH_SIZE: String(BATCH) },
    });
  });
  afterAll(async () => {
    await bridge?.cleanup();
    await cleanTopics?.();
    await source?.cleanup();
    await target?.cleanup();
  });

  it('killed in the lost-ack window (a Kafka write held after Kafka has it): loses nothing, rewrites exactly that window with the same event ids; JetStream drops the replays', async () => {
    const toNats = numberedMessages(source.subject('in'), 0, N, KEYS);
    const toKafka = numberedMessages(outTopic, 0, N, KEYS);
    const nats = new JetStreamPublisher(source.nc);
    const producer = await KafkaPublisher.connect(kafka);
    // The first run holds its 10th write to Kafka once Kafka has it: the kill lands between the
    // write and the JetStream acks every time.
    const marker = join(mkdtempSync(join(tmpdir(), 'huleedu-held-')), 'held.json');
    await bridge.start({
      entry: 'tests/helpers/bridge-held-write.ts',
      env: { HOLD_TOPIC: inTopic, HOLD_AFTER: '10', HOLD_MARKER: marker },
    });

    // Feed both sides at ~5,000 messages/s each, and kill the bridge once both directions flow.
    let published = 0;
    let killedAt = -1;
    const feed = (async () => {
      for (; published < N; published += 250) {
        await Promise.all([
          nats.publish(toNats.slice(published, published + 250)),
          producer.publish(toKafka.slice(published, published + 250)),
        ]);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await waitFor(
      'both directions flowing and a NATS -> Kafka write held in the lost-ack window',
      async () =>
        existsSync(marker) &&
        (await target.jsm.streams.info(target.stream)).state.messages >= 1_000,
      60_000,
      20,
    );
    const held = JSON.parse(readFileSync(marker, 'utf8')) as string[];
    expect(held.length, 'the held write carried messages').toBeGreaterThan(0);
    const unacked = (await source.jsm.consumers.info(source.stream, 'bridge_crash'))
      .num_ack_pending;
    expect(
      unacked,
      'the held batch is unacknowledged in JetStream when the kill lands',
    ).toBeGreaterThanOrEqual(held.length);
    expect(await bridge.kill('SIGKILL')).toBeNull();
    killedAt = published;
    await feed;
    await producer.close();
    expect(killedAt).toBeLessThan(N); // killed mid-stream, not after it

    await bridge.start();
    // NATS -> Kafka: everything acked means everything is in Kafka.
    await waitFor(
      'the durable consumer drained',
      async () => {
        const info = await source.jsm.consumers.info(source.stream, 'bridge_crash');
        return (
          info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.stream_seq >= N
        );
      },
      60_000,
      100,
    );
    const inKafka = await readTopic(kafka, inTopic, await topicSize(kafka, inTopic));
    const ids = inKafka.map((m) => (JSON.parse(m.value) as { event_id: string }).event_id);
    expect(new Set(ids)).toEqual(new Set(toNats.map((m) => m.id)));
    // A duplicate carries the same event id, so downstream dedup recognises it.
    expect(inKafka.every((m, i) => m.headers['Nats-Msg-Id'] === ids[i])).toBe(true);
    const kafkaDuplicates = inKafka.length - N;
    // The lost-ack window was exercised: what Kafka had when the kill landed, and JetStream had
    // not seen acked, was bridged again after the restart (with the same ids, for dedup).
    const copies = new Map<string, number>();
    for (const id of ids) copies.set(id, (copies.get(id) ?? 0) + 1);
    expect(
      held.filter((id) => copies.get(id) !== 2),
      'every message of the held write is in Kafka twice (written, never acked, rewritten after the restart): ack-after-write',
    ).toEqual([]);
    // Only the batch whose acks did not reach JetStream is written again.
    expect(kafkaDuplicates).toBeLessThanOrEqual(2 * BATCH);
    for (let k = 0; k < KEYS; k++) {
      const seen = new Set<string>();
      const firsts: number[] = [];
      for (const m of inKafka)
        if (m.key === `e${k}` && !seen.has(m.headers['x-seq'] ?? '')) {
          seen.add(m.headers['x-seq'] ?? '');
          firsts.push(Number(m.headers['x-seq']));
        }
      expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    }

    // Kafka -> NATS: exactly N stored; what the restarted bridge sent again JetStream called duplicates.
    await waitFor(
      'all stored in JetStream',
      async () => (await target.jsm.streams.info(target.stream)).state.messages >= N,
      60_000,
      100,
    );
    const labels = { route: 'out', direction: 'kafka_to_nats' };
    // Caught up when its group has committed every partition to the end of the topic: all it
    // will ever send is in JetStream by then, so the count below is final.
    await waitFor(
      'the restarted bridge committed every Kafka -> NATS message',
      async () => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          const [committed] = await admin.fetchOffsets({ groupId: group, topics: [outTopic] });
          const ends = await admin.fetchTopicOffsets(outTopic);
          return ends.every(
            (e) =>
              committed?.partitions.find((p) => p.partition === e.partition)?.offset === e.high,
          );
        } finally {
          await admin.disconnect();
        }
      },
      60_000,
      200,
    );
    const info = await target.jsm.streams.info(target.stream);
    expect(info.state.messages).toBe(N);
    const natsDuplicates = await bridge.metric('bridge_duplicates_total', labels);
    console.info(
      `SIGKILL after ${killedAt} of ${N} published: ${kafkaDuplicates} duplicates in Kafka, ` +
        `${natsDuplicates} replays dropped by JetStream as duplicates`,
    );
    const seqs = new Map<string, number[]>();
    const natsIds = new Set<string>();
    for (let seq = 1; seq <= N; seq++) {
      const m = await target.jsm.streams.getMessage(target.stream, { seq });
      natsIds.add(m?.header?.get('Nats-Msg-Id') ?? '');
      const key = m?.header?.get('huleedu-key') ?? '';
      seqs.set(key, [...(seqs.get(key) ?? []), Number(m?.header?.get('x-seq'))]);
    }
    expect(natsIds).toEqual(new Set(toKafka.map((m) => m.id)));
    for (const got of seqs.values()) expect(got).toEqual([...got].sort((a, b) => a - b));
  }, 420_000); // above the sum of its waits (two bridge starts, five waits, one topic read)
});
