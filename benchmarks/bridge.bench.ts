/**
 * Bridge throughput each way with 1 KB envelopes, and end-to-end latency (publish on NATS ->
 * readable in Kafka) at a steady rate. Uses its own JetStream stream and Kafka topics.
 * Both directions first run once unmeasured (`--warmup` messages each way): a broker that has
 * just started runs well below its steady pace for a while.
 *   npm run bench:bridge -- [--messages 50000] [--batch 1000] [--warmup 10000] [--json]
 */
import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { Registry } from 'prom-client';
import { startBridge } from '../bridge/index.ts';
import {
  connectNats,
  createKafka,
  ensureStream,
  ensureTopics,
  JetStreamPublisher,
  KafkaPublisher,
  silentLogger,
} from '../messaging/index.ts';
import { asMessage, spellcheckRequest } from '../tests/helpers/envelopes.ts';
import { numberArg, report } from './bench-output.ts';

const total = numberArg('messages', 50_000);
const id = randomUUID().slice(0, 8);
const kafka = createKafka({
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  clientId: 'bench-bridge',
  logger: silentLogger,
});
const nc = await connectNats(
  (process.env.NATS_SERVERS ?? '127.0.0.1:4222').split(','),
  'bench-bridge',
);
const jsm = await jetstreamManager(nc);
const stream = `BENCH_${id}`;
await ensureStream(jsm, { name: stream, subjects: [`bench.${id}.>`], duplicateWindowMs: 120_000 });
const inTopic = `bench.bridge.in.${id}`;
const outTopic = `bench.bridge.out.${id}`;
const warmTopic = `bench.bridge.warm.${id}`;
const benchTopics = [
  inTopic,
  `${inTopic}.DLT`,
  outTopic,
  `${outTopic}.DLT`,
  warmTopic,
  `${warmTopic}.DLT`,
];
await ensureTopics(kafka, {
  topics: benchTopics,
  partitions: 3,
  replicationFactor: 1,
  timeoutMs: 30_000,
  logger: silentLogger,
});
const admin = kafka.admin();
await admin.connect();
const kafkaCount = async (topic: string) =>
  (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
const streamCount = async () => (await jsm.streams.info(stream)).state.messages;
/**
 * Steady-state rate of a drain: from the first message at the target to the last, so that
 * connecting and joining a consumer group (reported apart) do not count as throughput.
 */
async function drain(
  count: () => Promise<number>,
  startedAt: number,
): Promise<{ perSecond: number; firstMs: number }> {
  let first = await count();
  while (first === 0) {
    await new Promise((r) => setTimeout(r, 5));
    first = await count();
  }
  const t0 = performance.now();
  while ((await count()) < total) await new Promise((r) => setTimeout(r, 20));
  return {
    perSecond: Math.round((total - first) / ((performance.now() - t0) / 1000)),
    firstMs: Math.round(t0 - startedAt),
  };
}
const template = spellcheckRequest('essay-0', 0, 1024);
const msgs = (topic: string, n: number) =>
  Array.from({ length: n }, (_, i) =>
    asMessage(
      topic,
      { ...template, event_id: randomUUID(), event_timestamp: new Date().toISOString() },
      `essay-${i % 1000}`,
    ),
  );

/**
 * Both directions once with `n` messages on their own subject and topic, unmeasured: a broker
 * that has just started (a JVM) runs the first seconds well below its steady pace.
 */
async function warmUp(n: number, js: JetStreamPublisher): Promise<void> {
  if (n <= 0) return;
  const bridge = await startBridge({
    routes: {
      natsToKafka: [
        {
          name: 'warm-in',
          stream,
          subject: `bench.${id}.warm.in`,
          durable: 'bench_warm',
          topic: warmTopic,
          key: { from: 'field', path: 'data.entity_ref.entity_id' },
          requireJson: true,
          maxBytes: 1_000_000,
        },
      ],
      kafkaToNats: [
        {
          name: 'warm-out',
          topic: warmTopic,
          group: `bench-warm-${id}`,
          subject: `bench.${id}.warm.out`,
          maxBytes: 1_000_000,
        },
      ],
    },
    nc,
    kafka,
    registry: new Registry(),
    logger: silentLogger,
  });
  const warm = msgs(`bench.${id}.warm.in`, n);
  for (let i = 0; i < warm.length; i += 1000) await js.publish(warm.slice(i, i + 1000));
  // Through to Kafka, then back out to JetStream (2n in the stream: n in, n out).
  const deadline = Date.now() + 120_000;
  while ((await streamCount()) < 2 * n && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  await bridge.close();
}

try {
  const js = new JetStreamPublisher(nc);
  const warmup = numberArg('warmup', 10_000);
  await warmUp(warmup, js);
  // NATS -> Kafka: a backlog of `total` messages, then the bridge drains it.
  const inSubject = `bench.${id}.in`;
  const batch = msgs(inSubject, total);
  for (let i = 0; i < batch.length; i += 1000) await js.publish(batch.slice(i, i + 1000));
  const b1Started = performance.now();
  const b1 = await startBridge({
    routes: {
      natsToKafka: [
        {
          name: 'in',
          stream,
          subject: inSubject,
          durable: 'bench_in',
          topic: inTopic,
          key: { from: 'field', path: 'data.entity_ref.entity_id' },
          requireJson: true,
          maxBytes: 1_000_000,
        },
      ],
      kafkaToNats: [],
    },
    nc,
    kafka,
    registry: new Registry(),
    logger: silentLogger,
    batchSize: numberArg('batch', 1_000),
  });
  const natsToKafka = await drain(() => kafkaCount(inTopic), b1Started);

  // Latency at a steady 2,000 messages/s through the running route.
  const latencies: number[] = [];
  const reader = kafka.consumer({ groupId: `bench-reader-${id}` });
  await reader.connect();
  await reader.subscribe({ topic: inTopic, fromBeginning: false });
  await reader.run({
    eachMessage: async ({ message }) => {
      const h = message.headers?.['x-sent'];
      if (h) latencies.push(Date.now() - Number(h.toString()));
    },
  });
  await new Promise((r) => setTimeout(r, 3000));
  for (let i = 0; i < 40; i++) {
    const burst = msgs(inSubject, 50).map((m) => ({
      ...m,
      headers: { ...m.headers, 'x-sent': String(Date.now()) },
    }));
    await js.publish(burst);
    await new Promise((r) => setTimeout(r, 25));
  }
  const deadline = Date.now() + 20_000;
  while (latencies.length < 2000 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  await reader.disconnect();
  await b1.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;

  // Kafka -> NATS: a backlog in Kafka, then the bridge drains it into JetStream.
  const producer = await KafkaPublisher.connect(kafka);
  const out = msgs(outTopic, total);
  for (let i = 0; i < out.length; i += 1000) await producer.publish(out.slice(i, i + 1000));
  await producer.close();
  const before = await streamCount();
  const b2Started = performance.now();
  const b2 = await startBridge({
    routes: {
      natsToKafka: [],
      kafkaToNats: [
        {
          name: 'out',
          topic: outTopic,
          group: `bench-out-${id}`,
          subject: `bench.${id}.out`,
          maxBytes: 1_000_000,
        },
      ],
    },
    nc,
    kafka,
    registry: new Registry(),
    logger: silentLogger,
  });
  const kafkaToNats = await drain(async () => (await streamCount()) - before, b2Started);
  await b2.close();

  report(
    `Bridge, ${total} envelopes of ~1 KB each way (acks=all to Kafka, PubAck + msg id to JetStream), after a warm-up of ${warmup} each way`,
    [
      `NATS -> Kafka: ${natsToKafka.perSecond} msg/s (first message after ${natsToKafka.firstMs} ms)`,
      `Kafka -> NATS: ${kafkaToNats.perSecond} msg/s (first message after ${kafkaToNats.firstMs} ms, group join included)`,
      `latency NATS publish -> readable in Kafka at 2,000 msg/s: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms (${latencies.length} samples)`,
    ],
    {
      nats_to_kafka_per_s: natsToKafka.perSecond,
      kafka_to_nats_per_s: kafkaToNats.perSecond,
      p50_ms: pct(0.5),
      p99_ms: pct(0.99),
    },
  );
} finally {
  await admin.deleteTopics({ topics: benchTopics }).catch(() => {});
  await admin.disconnect();
  await jsm.streams.delete(stream).catch(() => {});
  await nc.close();
}
