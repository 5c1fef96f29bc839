/**
 * Produce and consume throughput of the messaging layer on the real Kafka broker, with
 * 1 KB envelopes: the KafkaPublisher (acks from all in-sync replicas) and the KafkaBus
 * consumer (envelope decoding, manual commits). Needs `npm run infra:up`.
 *   npm run bench:messaging -- [--messages 50000] [--batch 500] [--json]
 */
import { randomUUID } from 'node:crypto';
import {
  anyEnvelopeDecoder,
  createKafka,
  ensureTopics,
  KafkaBus,
  silentLogger,
} from '../messaging/index.ts';
import { asMessage, spellcheckRequest } from '../tests/helpers/envelopes.ts';
import { numberArg, report } from './bench-output.ts';

const total = numberArg('messages', 50_000);
const batch = numberArg('batch', 500);
const inFlight = 4;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafka = createKafka({ brokers, clientId: 'bench-messaging', logger: silentLogger });
const topic = `bench.messaging.${randomUUID().slice(0, 8)}`;
await ensureTopics(kafka, {
  topics: [topic, `${topic}.DLT`],
  partitions: 3,
  replicationFactor: 1,
  timeoutMs: 30_000,
  logger: silentLogger,
});

const bus = new KafkaBus(kafka, silentLogger);
try {
  const template = spellcheckRequest('essay-0', 0, 1024);
  const bytes = Buffer.byteLength(JSON.stringify(template));
  const messages = Array.from({ length: total }, (_, i) => {
    const env = { ...template, event_id: randomUUID() };
    return asMessage(topic, env, `essay-${i % 1000}`);
  });
  const publisher = await bus.publisher();
  await publisher.publish(messages.slice(0, 10)); // warm-up: metadata, connections
  const t0 = performance.now();
  let next = 10;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const start = next;
        next += batch;
        await publisher.publish(messages.slice(start, Math.min(total, start + batch)));
      }
    }),
  );
  const produceSeconds = (performance.now() - t0) / 1000;

  let consumed = 0;
  let firstAt = 0;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  const c0 = performance.now();
  const consumer = await bus.consume({
    groupId: `bench-${randomUUID().slice(0, 8)}`,
    topics: [topic],
    decode: anyEnvelopeDecoder,
    handle: async () => {
      if (consumed === 0) firstAt = performance.now();
      if (++consumed === total) resolveDone();
    },
  });
  await done;
  const consumeEnd = performance.now();
  await consumer.close();
  const consumeSeconds = (consumeEnd - firstAt) / 1000;
  const produce = Math.round((total - 10) / produceSeconds);
  const consume = Math.round(total / consumeSeconds);
  report(
    `Messaging layer on Kafka (${total} messages of ${bytes} bytes, 3 partitions)`,
    [
      `produce: ${produce} msg/s (acks=all, ${batch} per publish call, ${inFlight} calls in flight)`,
      `consume: ${consume} msg/s (decode + validate envelope, manual commits; group join took ${((firstAt - c0) / 1000).toFixed(1)} s, not counted)`,
    ],
    { produce_per_s: produce, consume_per_s: consume, message_bytes: bytes, messages: total },
  );
} finally {
  await bus.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic, `${topic}.DLT`] }).catch(() => {});
  await admin.disconnect();
}
