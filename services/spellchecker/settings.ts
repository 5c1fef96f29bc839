import { z } from 'zod';
import { InfraSettingsShape, Port } from '../../common-core/index.ts';

/** Settings of the spell-checker worker (`SPELLCHECKER_*`). */
export const SpellcheckerSettingsSchema = z.object({
  KAFKA_BROKERS: InfraSettingsShape.KAFKA_BROKERS,
  LOG_LEVEL: InfraSettingsShape.LOG_LEVEL,
  HEALTH_STALL_MS: InfraSettingsShape.HEALTH_STALL_MS,
  SPELLCHECKER_CONTENT_URL: z.url().default('http://127.0.0.1:8000'),
  SPELLCHECKER_GROUP_ID: z.string().min(1).default('spellchecker-service'),
  SPELLCHECKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  SPELLCHECKER_METRICS_PORT: Port.default(8002),
  SPELLCHECKER_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(3),
  /** Requests of one partition taken as a chunk: checked concurrently, results published together. */
  SPELLCHECKER_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(64),
  /** Requests of a chunk in flight at once (their content-service calls overlap). */
  SPELLCHECKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  SPELLCHECKER_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  // 30 retries at up to 5 s apart: a content service that is down for up to ~2 minutes (a
  // restart, a rolling update; ~12 s under load in the chaos suite) delays essays rather than
  // failing them. The first default, 5 (~6 s in all), failed essays while content restarted.
  SPELLCHECKER_MAX_RETRIES: z.coerce.number().int().min(0).max(1000).default(30),
  SPELLCHECKER_RETRY_INITIAL_MS: z.coerce.number().int().min(1).default(200),
  SPELLCHECKER_RETRY_MAX_MS: z.coerce.number().int().min(1).default(5_000),
});
export type SpellcheckerSettings = z.output<typeof SpellcheckerSettingsSchema>;
