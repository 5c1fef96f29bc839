import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { DependencyUnavailableError } from '../common-core/index.ts';
import { ensureTemplate, pgliteTemplateName, seedFromTemplate } from './pglite-template.ts';
import * as schema from './schema.ts';

/** A Drizzle database on either driver; repositories take this and never know which. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database extends AsyncDisposable {
  db: Db;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

export interface OpenDatabaseOptions {
  /** `postgres://…` for a real server; `pglite://<dir>` or `pglite://memory` for the embedded one. */
  url: string;
  /** Pool size for node-postgres. */
  maxConnections?: number;
  /** Apply committed migrations before returning (default true). */
  migrate?: boolean;
  /**
   * Told of a node-postgres connection that broke (its queries fail with the error anyway);
   * the pool replaces the connection. Default: nothing.
   */
  onConnectionError?: (error: Error) => void;
  /**
   * PGlite in a directory: where to keep (and find) a migrated template cluster, which a new
   * data directory is copied from instead of running initdb (see `seedFromTemplate`). Default:
   * none, every new directory runs initdb.
   */
  pgliteTemplates?: string;
  /**
   * How a missing template is built in the directory given (initialised, migrated, cleanly
   * closed). Default: in this process. `huleedu process` runs `db/build-pglite-template` in a
   * child process instead: initdb peaks at ~600-850 MB resident.
   */
  buildPgliteTemplate?: (dir: string) => Promise<void>;
}

/** host:port/database of a URL, without credentials (for messages). */
function whereIs(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** One line for a connection or migration failure (node-postgres errors nest the reason). */
function describePgError(error: unknown): string {
  const e = error as {
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const inner = e.cause?.message ? e.cause : e;
  return [inner.code, inner.message].filter(Boolean).join(' ') || String(error);
}

/**
 * PGlite with a smaller buffer pool than Postgres's default 128 MB: the pool lives in the WASM
 * heap, and an embedded run's tables are a few MB. 16 MB took ~115 MB off the process's
 * resident memory at no measurable cost to the embedded pipeline (README, issue 20).
 */
const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB'];

function openPglite(dataDir: string | undefined): PGlite {
  const startParams = [...PGlite.defaultStartParams, ...PGLITE_SETTINGS];
  return new PGlite(dataDir, { startParams, initDbStartParams: PGLITE_SETTINGS });
}

/**
 * Make sure the migrated PGlite template exists in `cacheDir` (see `pgliteTemplates`), building
 * it with `build` (default: in this process) when missing; true when it was built now.
 */
export async function ensurePgliteTemplate(
  cacheDir: string,
  build: (dir: string) => Promise<void> = buildTemplateHere,
): Promise<boolean> {
  return (await ensureTemplate(cacheDir, templateName(), build)).built;
}

let templateNameOnce: string | undefined;

/** The template's name, hashed from the migrations once per process (both callers need it). */
function templateName(): string {
  templateNameOnce ??= pgliteTemplateName(MIGRATIONS);
  return templateNameOnce;
}

/** Initialise, migrate and close a cluster in `dir`, in this process. */
async function buildTemplateHere(dir: string): Promise<void> {
  const client = openPglite(dir);
  await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS });
  await client.close();
}

/** Open (and by default migrate) a database: node-postgres for postgres:// URLs, PGlite otherwise. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const shouldMigrate = options.migrate ?? true;
  if (options.url.startsWith('pglite://')) {
    const where = options.url.slice('pglite://'.length);
    const inMemory = where === '' || where === 'memory';
    if (!inMemory && options.pgliteTemplates) {
      await seedFromTemplate(
        where,
        options.pgliteTemplates,
        templateName(),
        options.buildPgliteTemplate ?? buildTemplateHere,
      );
    }
    const client = openPglite(inMemory ? undefined : where);
    // Ready when returned, migrated or not: otherwise the first query pays the boot (seconds).
    await client.waitReady;
    const db = drizzlePglite(client, { schema });
    if (shouldMigrate) await migratePglite(db, { migrationsFolder: MIGRATIONS });
    const close = async (): Promise<void> => {
      if (!client.closed) await client.close();
    };
    return { db: db as unknown as Db, kind: 'pglite', close, [Symbol.asyncDispose]: close };
  }
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10 });
  // A connection the server closes (restart, failover, a terminated backend) must fail the
  // query on it, not the process. node-postgres emits 'error' on the pool for an idle client
  // (which the pool then drops) and on the client itself while it is checked out (the pool
  // listens only while it is idle), besides failing its queries; an 'error' event nobody
  // listens to is thrown.
  const onConnectionError = options.onConnectionError ?? (() => {});
  pool.on('error', onConnectionError);
  pool.on('connect', (client) => client.on('error', onConnectionError));
  const db = drizzlePg(pool, { schema });
  try {
    // Also the first connection: an unreachable server or a wrong database fails here.
    if (shouldMigrate) await migratePg(db, { migrationsFolder: MIGRATIONS });
    else await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new DependencyUnavailableError(
      `cannot use Postgres at ${whereIs(options.url)}: ${describePgError(error)}`,
      { cause: error },
    );
  }
  let ended = false;
  const close = async (): Promise<void> => {
    if (ended) return;
    ended = true;
    await pool.end();
  };
  return { db: db as unknown as Db, kind: 'postgres', close, [Symbol.asyncDispose]: close };
}
