import { type Kafka, Partitioners, type Producer, type TopicMessages } from 'kafkajs';
import {
  DependencyUnavailableError,
  type MessagePublisher,
  type OutgoingMessage,
} from '../../common-core/index.ts';

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
    if (messages.length === 0) return;
    const byTopic = new Map<string, TopicMessages>();
    for (const m of messages) {
      let entry = byTopic.get(m.topic);
      if (!entry) {
        entry = { topic: m.topic, messages: [] };
        byTopic.set(m.topic, entry);
      }
      entry.messages.push({ key: m.key, value: Buffer.from(m.value), headers: m.headers ?? {} });
    }
    try {
      await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic.values()] });
    } catch (error) {
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
