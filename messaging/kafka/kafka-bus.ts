import type { Kafka } from 'kafkajs';
import type {
  ConsumeBatchOptions,
  ConsumeOptions,
  Logger,
  MessageBus,
  MessageConsumer,
  MessagePublisher,
} from '../../common-core/index.ts';
import type { MessagingMetrics } from '../core/messaging-metrics.ts';
import { KafkaMessageConsumer } from './kafka-consumer.ts';
import { KafkaPublisher } from './kafka-publisher.ts';

/**
 * The message bus on Kafka. One shared producer serves dead letters of all consumers;
 * `close()` stops the consumers first, then the producers.
 */
export class KafkaBus implements MessageBus, AsyncDisposable {
  private readonly consumers = new Set<MessageConsumer>();
  private readonly publishers = new Set<MessagePublisher>();
  private dltPublisher: Promise<KafkaPublisher> | undefined;

  constructor(
    readonly kafka: Kafka,
    private readonly logger: Logger,
    private readonly metrics?: MessagingMetrics,
    private readonly options: { partitionsConsumedConcurrently?: number } = {},
  ) {}

  async publisher(): Promise<MessagePublisher> {
    const p = await KafkaPublisher.connect(this.kafka);
    this.publishers.add(p);
    return p;
  }

  async consume<T>(options: ConsumeOptions<T>): Promise<MessageConsumer> {
    return this.track(await KafkaMessageConsumer.start(options, await this.consumerDeps()));
  }

  async consumeBatches<T>(options: ConsumeBatchOptions<T>): Promise<MessageConsumer> {
    return this.track(await KafkaMessageConsumer.startBatches(options, await this.consumerDeps()));
  }

  /** What every consumer of this bus shares: the client, one dead-letter publisher, logs, metrics. */
  private async consumerDeps() {
    this.dltPublisher ??= KafkaPublisher.connect(this.kafka);
    return {
      kafka: this.kafka,
      deadLetterPublisher: await this.dltPublisher,
      logger: this.logger,
      ...(this.metrics ? { metrics: this.metrics } : {}),
      ...this.options,
    };
  }

  /** Closed with the bus. */
  private track(consumer: KafkaMessageConsumer): MessageConsumer {
    this.consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.consumers].map((c) => c.close()));
    const dlt = this.dltPublisher ? [this.dltPublisher.then((p) => p.close())] : [];
    await Promise.allSettled([...[...this.publishers].map((p) => p.close()), ...dlt]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
