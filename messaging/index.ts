// Public entry of the messaging layer: Kafka, NATS JetStream and in-memory buses behind the
// ports of common-core, plus the delivery pipeline they share.
export * from './core/backoff.ts';
export * from './core/dead-letter.ts';
export * from './core/decoders.ts';
export * from './core/deliver.ts';
export * from './core/deliver-batch.ts';
export * from './core/messaging-metrics.ts';
export * from './core/progress-watch.ts';
export * from './core/retry.ts';
export * from './core/retry-policies.ts';
export * from './core/shutdown.ts';
export * from './core/silent-logger.ts';
export * from './kafka/kafka-bus.ts';
export * from './kafka/kafka-client.ts';
export * from './kafka/kafka-consumer.ts';
export * from './kafka/kafka-publisher.ts';
export * from './kafka/kafka-refusal.ts';
export * from './kafka/topic-admin.ts';
export * from './kafka/topic-reader.ts';
export * from './memory/memory-bus.ts';
export * from './nats/jetstream-bus.ts';
export * from './nats/jetstream-consumer.ts';
export * from './nats/jetstream-publisher.ts';
export * from './nats/nats-connection.ts';
export * from './nats/not-found.ts';
export * from './nats/stream-admin.ts';
