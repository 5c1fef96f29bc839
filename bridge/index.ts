// Public entry of the NATS <-> Kafka bridge.
export * from './bridge.ts';
export * from './bridge-metrics.ts';
export * from './kafka-to-nats.ts';
export * from './nats-to-kafka.ts';
export * from './routes.ts';
