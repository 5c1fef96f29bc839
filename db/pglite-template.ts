import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * A new PGlite data directory costs an initdb: ~2 s and a ~500 MB peak of resident memory on
 * a 2-core machine, on every fresh `--data` directory. A template does it once: an initialised
 * and migrated data directory kept in the cache, copied (plain files, ~40 MB, tens of ms) into
 * each new data directory. A copy of a cleanly shut-down cluster is a valid cluster.
 *
 * The template's name carries PGlite's version and a hash of the migrations, so a new release
 * or a new migration builds a new one; migrations still run on open, so an out-of-date template
 * could never leave a database behind its schema anyway.
 */
export function pgliteTemplateName(migrationsFolder: string): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    hash.update(file).update(readFileSync(join(migrationsFolder, file)));
  return `pglite-${pgliteVersion()}-${hash.digest('hex').slice(0, 12)}`;
}

function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const manifest = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** Whether `dir` holds a Postgres cluster (PGlite writes PG_VERSION at initdb). */
export function isPgliteDataDir(dir: string): boolean {
  return existsSync(join(dir, 'PG_VERSION'));
}

/**
 * Make `dataDir` a cluster when it is not one yet, from the template in `cacheDir` (built first
 * with `build` when missing). `build(dir)` must initialise, migrate and cleanly close a cluster
 * in `dir`. The template appears atomically (built aside, then renamed), so a crash while
 * building leaves no half template, and two processes building at once both end with a good one.
 * Returns what it did, for the caller's log.
 */
export async function seedFromTemplate(
  dataDir: string,
  cacheDir: string,
  templateName: string,
  build: (dir: string) => Promise<void>,
): Promise<'existing' | 'copied' | 'built'> {
  if (isPgliteDataDir(dataDir)) return 'existing';
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    throw new Error(
      `${dataDir} is neither empty nor a PGlite data directory: refusing to write a database into it`,
    );
  const { template, built } = await ensureTemplate(cacheDir, templateName, build);
  // Copied aside and renamed: a crash mid-copy leaves no half cluster where a rerun looks.
  const copy = `${dataDir}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    cpSync(template, copy, { recursive: true });
    rmSync(dataDir, { recursive: true, force: true }); // empty (checked above), or absent
    renameSync(copy, dataDir);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  return built ? 'built' : 'copied';
}

/**
 * The template's directory in `cacheDir`, built first with `build` when missing (see
 * `seedFromTemplate`); `built` says whether it was.
 */
export async function ensureTemplate(
  cacheDir: string,
  templateName: string,
  build: (dir: string) => Promise<void>,
): Promise<{ template: string; built: boolean }> {
  const template = join(cacheDir, templateName);
  if (isPgliteDataDir(template)) return { template, built: false };
  mkdirSync(cacheDir, { recursive: true });
  const aside = `${template}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await build(aside);
    try {
      renameSync(aside, template);
    } catch (error) {
      // Another process renamed its template first: use that one.
      if (!isPgliteDataDir(template)) throw error;
    }
  } finally {
    rmSync(aside, { recursive: true, force: true });
  }
  return { template, built: true };
}
