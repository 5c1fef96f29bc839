import { type Kafka, Partitioners, type Producer, type TopicMessages } from 'kafkajs';
import {
  DependencyUnavailableError,
  HuleEduError,
  type MessagePublisher,
  type OutgoingMessage,
} from '../../common-core/index.ts';
import { refusedForGood } from './kafka-refusal.ts';

/**
 * Bytes per produce request. A broker refuses a record batch (all of one request's messages for
 * one partition) above `message.max.bytes`, 1 MB by default, and would refuse it on every retry.
 */
const MAX_REQUEST_BYTES = 900_000;

/** Split messages, in order, into runs of about `limit` bytes (a larger message goes alone). */
function chunksOf(messages: readonly OutgoingMessage[], limit: number): OutgoingMessage[][] {
  const chunks: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    let size = m.value.length + (m.key?.length ?? 0) + 70;
    for (const [k, v] of Object.entries(m.headers ?? {})) size += k.length + v.length + 2;
    if (current.length > 0 && bytes + size > limit) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The bytes as a Buffer (kafkajs's type), without copying them (`Buffer.from(u8)` copies). */
const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Publishes to Kafka with acks from all in-sync replicas. `publish` resolves once every
 * message of the call is acknowledged; messages of one call keep their order per key.
 * Use as `await using publisher = await KafkaPublisher.connect(kafka)`.
 */
export class KafkaPublisher implements MessagePublisher {
  private closed = false;

  private constructor(private readonly producer: Producer) {}

  static async connect(kafka: Kafka): Promise<KafkaPublisher> {
    const producer = kafka.producer({
      // Java-compatible murmur2 partitioning: the same key lands where Java clients put it.
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
    });
    await producer.connect();
    return new KafkaPublisher(producer);
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new DependencyUnavailableError('Kafka publisher is closed');
    // Requests one after another, so that order per key holds across them.
    for (const chunk of chunksOf(messages, MAX_REQUEST_BYTES)) await this.send(chunk);
  }

  private async send(messages: readonly OutgoingMessage[]): Promise<void> {
    const byTopic = new Map<string, TopicMessages>();
    for (const m of messages) {
      let entry = byTopic.get(m.topic);
      if (!entry) {
        entry = { topic: m.topic, messages: [] };
        byTopic.set(m.topic, entry);
      }
      entry.messages.push({ key: m.key, value: asBuffer(m.value), headers: m.headers ?? {} });
    }
    try {
      await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic.values()] });
    } catch (error) {
      // A refusal of the records themselves fails the same way on every retry: say so, so that
      // callers dead-letter or shrink instead of retrying forever.
      if (refusedForGood(error))
        throw new HuleEduError(
          'HULEEDU_MESSAGE_REFUSED',
          `Kafka refused the records: ${(error as Error).message}`,
          { cause: error },
        );
      throw new DependencyUnavailableError(`Kafka publish failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.producer.disconnect();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
