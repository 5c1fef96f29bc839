import { randomUUID } from 'node:crypto';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kafka } from 'kafkajs';
import {
  connectNats,
  createKafka,
  ensureStream,
  ensureTopics,
  silentLogger,
} from '../../messaging/index.ts';
import { waitFor } from './wait-for.ts';

/**
 * Real infrastructure for integration tests. Missing infrastructure is a failure with a
 * clear message, never a skip: start it with `npm run infra:up`.
 */
export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const NATS_SERVERS = (process.env.NATS_SERVERS ?? '127.0.0.1:4222').split(',');
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const HINT = 'Integration tests need real Kafka, NATS and Postgres: run `npm run infra:up` first.';

/** A unique, topic-safe name for one test. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}

export function testKafka(): Kafka {
  return createKafka({ brokers: KAFKA_BROKERS, clientId: 'huleedu-tests', logger: silentLogger });
}

/** Create fresh topics (and their .DLT) for a test; returns a cleanup that deletes them. */
export async function createTestTopics(
  kafka: Kafka,
  topics: string[],
  partitions = 3,
): Promise<() => Promise<void>> {
  const all = topics.flatMap((t) => [t, `${t}.DLT`]);
  try {
    await ensureTopics(kafka, {
      topics: all,
      partitions,
      replicationFactor: 1,
      timeoutMs: 10_000,
      logger: silentLogger,
    });
  } catch (error) {
    throw new Error(`${HINT}\nKafka at ${KAFKA_BROKERS.join(',')}: ${(error as Error).message}`);
  }
  return async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: all, timeout: 10_000 });
    } finally {
      await admin.disconnect();
    }
  };
}

/** How many messages a topic holds (the sum of its partitions' high watermarks). */
export async function topicSize(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Commits a new consumer group's offsets at the topics' current ends, so a process started
 * with it reads only what is published from now on. A new group otherwise reads from the
 * beginning: on a developer's broker that is every earlier run's events (millions after the
 * benchmarks), which a test's process would first work through.
 *
 * kafkajs' `resetOffsets` to latest commits -1, which a consumer takes for "none", and its
 * `setOffsets` joins the group once per topic and waits out a full fetch each time (~5 s).
 * This does what `setOffsets` does for all topics at once: a member of the group seeks every
 * partition (a seek commits, with auto-commit on) and leaves after the first fetch.
 */
export async function startGroupAtTopicEnds(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await Promise.all(
      topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) })),
    );
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [...topics], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.FETCH, () => void consumer.stop().then(resolve, reject));
        consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => {} }).catch(reject);
        consumer.pause(topics.map((topic) => ({ topic })));
        for (const { topic, partitions } of ends)
          for (const p of partitions)
            consumer.seek({ topic, partition: p.partition, offset: p.high });
      });
    } finally {
      await consumer.disconnect();
    }
    // Seeks are applied per broker as it is fetched from; on a single-node broker all of them
    // precede the first fetch. Check rather than assume.
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    for (const { topic, partitions } of ends)
      for (const p of partitions) {
        const at = committed
          .find((c) => c.topic === topic)
          ?.partitions.find((c) => c.partition === p.partition)?.offset;
        if (at !== p.high)
          throw new Error(`group ${groupId}: ${topic}[${p.partition}] at ${at}, not ${p.high}`);
      }
  } finally {
    await admin.disconnect();
  }
}

export interface TestStream {
  nc: NatsConnection;
  jsm: JetStreamManager;
  stream: string;
  subject: (name: string) => string;
  cleanup: () => Promise<void>;
}

/** A fresh JetStream stream over `test.<id>.>` on a new connection; cleanup deletes both. */
export async function createTestStream(duplicateWindowMs = 120_000): Promise<TestStream> {
  let nc: NatsConnection;
  try {
    nc = await connectNats(NATS_SERVERS, 'huleedu-tests');
  } catch (error) {
    throw new Error(`${HINT}\n${(error as Error).message}`);
  }
  const id = randomUUID().slice(0, 8);
  const stream = `TEST_${id}`;
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm, { name: stream, subjects: [`test.${id}.>`], duplicateWindowMs });
  return {
    nc,
    jsm,
    stream,
    subject: (name) => `test.${id}.${name}`,
    cleanup: async () => {
      await jsm.streams.delete(stream).catch(() => {});
      await nc.close();
    },
  };
}

export interface ReadMessage {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** Every message of a topic, read from the beginning with a throwaway group, until `expected` arrived. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  expected: number,
  timeoutMs = 45_000,
): Promise<ReadMessage[]> {
  const out: ReadMessage[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      out.push({
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? '',
        headers,
      });
    },
  });
  try {
    await waitFor(`${expected} messages on ${topic}`, () => out.length >= expected, timeoutMs);
  } finally {
    await consumer.disconnect();
  }
  return out;
}
