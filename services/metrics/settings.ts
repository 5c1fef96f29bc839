import { z } from 'zod';
import { InfraSettingsShape, Port } from '../../common-core/index.ts';

/** Settings of the text-metrics worker (`METRICS_*`). */
export const MetricsSettingsSchema = z.object({
  KAFKA_BROKERS: InfraSettingsShape.KAFKA_BROKERS,
  LOG_LEVEL: InfraSettingsShape.LOG_LEVEL,
  HEALTH_STALL_MS: InfraSettingsShape.HEALTH_STALL_MS,
  METRICS_CONTENT_URL: z.url().default('http://127.0.0.1:8000'),
  METRICS_GROUP_ID: z.string().min(1).default('text-metrics-service'),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: Port.default(8004),
  METRICS_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(3),
  /** Requests of one partition taken as a chunk: measured concurrently, published together. */
  METRICS_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(64),
  METRICS_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  METRICS_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  // As the spell checker's: a content service away for up to ~2 minutes delays essays only.
  METRICS_MAX_RETRIES: z.coerce.number().int().min(0).max(1000).default(30),
  METRICS_RETRY_INITIAL_MS: z.coerce.number().int().min(1).default(200),
  METRICS_RETRY_MAX_MS: z.coerce.number().int().min(1).default(5_000),
});
export type MetricsSettings = z.output<typeof MetricsSettingsSchema>;
