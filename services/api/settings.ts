import { z } from 'zod';
import { InfraSettingsShape, Port } from '../../common-core/index.ts';

/** A secret long enough for HS256 (RFC 7518: at least the hash's 256 bits). */
const Secret = z.string().min(32, 'must be at least 32 characters');

/**
 * Settings of the edge api (`API_*`). Exactly one of `API_JWT_SECRET` (HS256) and
 * `API_JWKS_URL` (RS/ES keys from an identity provider) verifies tokens; without either, a fixed
 * development secret is used and the api says so at start (never in production: set one).
 */
export const ApiSettingsSchema = z
  .object({
    DATABASE_URL: InfraSettingsShape.DATABASE_URL,
    NATS_SERVERS: InfraSettingsShape.NATS_SERVERS,
    LOG_LEVEL: InfraSettingsShape.LOG_LEVEL,
    NATS_STREAM: z.string().min(1).default('HULEEDU'),
    API_HOST: z.string().min(1).default('127.0.0.1'),
    API_PORT: Port.default(8080),
    API_JWT_SECRET: Secret.optional(),
    API_JWKS_URL: z.url().optional(),
    API_CONTENT_URL: z.url().default('http://127.0.0.1:8000'),
    API_MAX_ESSAYS: z.coerce.number().int().min(1).max(10_000).default(500),
    /** Largest essay text (UTF-8 bytes, after extraction from .docx/.pdf). */
    API_MAX_ESSAY_BYTES: z.coerce.number().int().min(100).default(200_000),
    /** Largest uploaded file (a .docx or .pdf is larger than its text). */
    API_MAX_FILE_BYTES: z.coerce
      .number()
      .int()
      .min(1_000)
      .default(10 * 1024 * 1024),
    /** Requests per minute per teacher (per address before authentication). */
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    API_SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
    API_DB_POOL: z.coerce.number().int().min(1).max(100).default(10),
    /** A publish to NATS is retried this long (a NATS restart) before the request gets 503. */
    API_PUBLISH_PATIENCE_MS: z.coerce.number().int().min(0).default(30_000),
  })
  .refine((s) => !(s.API_JWT_SECRET && s.API_JWKS_URL), {
    message: 'set API_JWT_SECRET or API_JWKS_URL, not both',
    path: ['API_JWKS_URL'],
  });
export type ApiSettings = z.output<typeof ApiSettingsSchema>;

/**
 * The development secret: used only when neither API_JWT_SECRET nor API_JWKS_URL is set, and
 * by `huleedu token` under the same condition, so a fresh checkout works end to end.
 */
export const DEVELOPMENT_JWT_SECRET = 'huleedu-development-secret-do-not-use-in-production';
