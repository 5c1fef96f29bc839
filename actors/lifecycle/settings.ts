import { z } from 'zod';
import { InfraSettingsShape, Port } from '../../common-core/index.ts';

/** Settings of the lifecycle host (`LIFECYCLE_*`). */
export const LifecycleSettingsSchema = z.object({
  KAFKA_BROKERS: InfraSettingsShape.KAFKA_BROKERS,
  DATABASE_URL: InfraSettingsShape.DATABASE_URL,
  LOG_LEVEL: InfraSettingsShape.LOG_LEVEL,
  HEALTH_STALL_MS: InfraSettingsShape.HEALTH_STALL_MS,
  LIFECYCLE_HOST: z.string().min(1).default('127.0.0.1'),
  LIFECYCLE_PORT: Port.default(8001),
  LIFECYCLE_GROUP_ID: z.string().min(1).default('essay-lifecycle-service'),
  /** The Stately inspector's WebSocket (e.g. ws://127.0.0.1:8090): every actor's steps, live. */
  LIFECYCLE_INSPECT: z
    .string()
    .regex(/^wss?:\/\/\S+$/, 'must be a ws:// or wss:// URL')
    .optional(),
  LIFECYCLE_MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Partitions whose batches are processed at once: one batch's JavaScript overlaps another's database round trip. */
  LIFECYCLE_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  LIFECYCLE_CACHE_MAX_ACTORS: z.coerce.number().int().min(1).default(100_000),
  LIFECYCLE_CACHE_IDLE_MS: z.coerce.number().int().min(1_000).default(600_000),
  LIFECYCLE_RESULT_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(300_000),
  LIFECYCLE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  LIFECYCLE_DB_POOL: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Sent outbox rows are kept this long, then pruned (checked every minute). At high event
   * rates the sent rows are most of the outbox table: ~800 bytes per event. 0 keeps none: the
   * relay deletes each row in the transaction that published it.
   */
  LIFECYCLE_OUTBOX_RETAIN_SENT_MS: z.coerce.number().int().min(0).default(3_600_000),
});
