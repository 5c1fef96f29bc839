import { z } from 'zod';
import { HostList, Port } from '../common-core/index.ts';

/** Settings of the NATS <-> Kafka bridge (`BRIDGE_*`). */
export const BridgeSettingsSchema = z.object({
  KAFKA_BROKERS: HostList.default(['127.0.0.1:9092']),
  NATS_SERVERS: HostList.default(['127.0.0.1:4222']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  BRIDGE_HOST: z.string().min(1).default('127.0.0.1'),
  BRIDGE_PORT: Port.default(8003),
  /** A JSON route file; the platform's default routes when unset. */
  BRIDGE_ROUTES: z.string().min(1).optional(),
  BRIDGE_NATS_STREAM: z.string().min(1).default('HULEEDU'),
  /** Messages per Kafka write (split further to fit Kafka's request size); two batches in flight. */
  BRIDGE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
});
