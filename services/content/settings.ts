import { z } from 'zod';
import { InfraSettingsShape, Port } from '../../common-core/index.ts';

/** Settings of the content service (`CONTENT_*`). */
export const ContentSettingsSchema = z.object({
  CONTENT_HOST: z.string().min(1).default('127.0.0.1'),
  CONTENT_PORT: Port.default(8000),
  CONTENT_STORE_BACKEND: z.enum(['fs', 'postgres']).default('fs'),
  CONTENT_STORE_PATH: z.string().min(1).default('.data/content'),
  CONTENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** A request (headers and body) must arrive within this long, or the connection is closed. */
  CONTENT_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  DATABASE_URL: InfraSettingsShape.DATABASE_URL,
  LOG_LEVEL: InfraSettingsShape.LOG_LEVEL,
});
export type ContentSettings = z.output<typeof ContentSettingsSchema>;
