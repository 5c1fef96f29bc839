import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { IncomingMessage } from '../../common-core/index.ts';
import { toIncoming } from './kafka-consumer.ts';

/**
 * Every message a topic holds now (up to each partition's high watermark at the call), in
 * partition order, read with a throwaway consumer group that is deleted afterwards. For tools
 * (dead-letter inspection), not for the hot path.
 */
export async function readWholeTopic(
  kafka: Kafka,
  topic: string,
  timeoutMs = 60_000,
): Promise<IncomingMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `huleedu-reader-${randomUUID()}`;
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const remaining = new Map<number, bigint>();
    for (const p of ends)
      if (BigInt(p.high) > BigInt(p.low)) remaining.set(p.partition, BigInt(p.high));
    const out: IncomingMessage[] = [];
    if (remaining.size === 0) return out;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`reading ${topic} took longer than ${timeoutMs} ms`)),
          timeoutMs,
        );
        void consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              const high = remaining.get(partition);
              if (high === undefined) return;
              if (BigInt(message.offset) < high) out.push(toIncoming(topic, partition, message));
              if (BigInt(message.offset) + 1n >= high) remaining.delete(partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return out.sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    );
  } finally {
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
}

/** The message at `offset` of a topic's partition, or undefined when it is gone (retention). */
export async function readMessageAt(
  kafka: Kafka,
  topic: string,
  partition: number,
  offset: string,
  timeoutMs = 30_000,
): Promise<IncomingMessage | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `huleedu-reader-${randomUUID()}`;
  try {
    const bounds = (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === partition);
    if (!bounds || BigInt(offset) < BigInt(bounds.low) || BigInt(offset) >= BigInt(bounds.high))
      return undefined;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      // Straight to the offset once the group has its partitions (seek needs a running consumer).
      consumer.on(consumer.events.GROUP_JOIN, () => consumer.seek({ topic, partition, offset }));
      return await new Promise<IncomingMessage | undefined>((resolve, reject) => {
        const timer = setTimeout(() => resolve(undefined), timeoutMs);
        void consumer
          .run({
            eachMessage: async ({ partition: p, message }) => {
              if (p !== partition || message.offset !== offset) return;
              clearTimeout(timer);
              resolve(toIncoming(topic, partition, message));
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
  } finally {
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
}
