import type { NatsConnection } from '@nats-io/transport-node';
import type {
  ConsumeBatchOptions,
  ConsumeOptions,
  Logger,
  MessageBus,
  MessageConsumer,
  MessagePublisher,
} from '../../common-core/index.ts';
import type { MessagingMetrics } from '../core/messaging-metrics.ts';
import { JetStreamMessageConsumer } from './jetstream-consumer.ts';
import { JetStreamPublisher } from './jetstream-publisher.ts';

/** The message bus on NATS JetStream: topics are subjects of one stream. */
export class JetStreamBus implements MessageBus, AsyncDisposable {
  private readonly consumers = new Set<MessageConsumer>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly stream: string,
    private readonly logger: Logger,
    private readonly metrics?: MessagingMetrics,
  ) {}

  async publisher(): Promise<MessagePublisher> {
    return new JetStreamPublisher(this.nc);
  }

  async consume<T>(options: ConsumeOptions<T>): Promise<MessageConsumer> {
    const consumer = await JetStreamMessageConsumer.start(options, {
      nc: this.nc,
      stream: this.stream,
      deadLetterPublisher: new JetStreamPublisher(this.nc),
      logger: this.logger,
      ...(this.metrics ? { metrics: this.metrics } : {}),
    });
    this.consumers.add(consumer);
    return consumer;
  }

  /** JetStream delivers one message at a time here: each is a batch of one. */
  consumeBatches<T>(options: ConsumeBatchOptions<T>): Promise<MessageConsumer> {
    return this.consume({
      ...options,
      handle: (value, message, delivery) => options.handleBatch([{ value, message }], delivery),
    });
  }

  /** Stops the consumers, then drains the connection (flushes pending publishes). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.consumers].map((c) => c.close()));
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
