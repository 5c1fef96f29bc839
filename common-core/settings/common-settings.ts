import { z } from 'zod';

/** A comma-separated list of host:port pairs. */
export const HostList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each entry must be host:port')).min(1));

/** A TCP port. */
export const Port = z.coerce.number().int().min(0).max(65535);

/** Boolean from "true"/"false"/"1"/"0". */
export const BoolFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

/** Infrastructure settings every distributed-mode process shares. */
export const InfraSettingsShape = {
  KAFKA_BROKERS: HostList.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('huleedu'),
  NATS_SERVERS: HostList.default(['127.0.0.1:4222']),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/postgres'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** `/healthz` answers 503 once a consumer's partition has had work in hand this long. */
  HEALTH_STALL_MS: z.coerce.number().int().min(1_000).default(120_000),
};
