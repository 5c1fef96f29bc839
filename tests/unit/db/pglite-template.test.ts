import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/index.ts';
import {
  isPgliteDataDir,
  pgliteTemplateName,
  seedFromTemplate,
} from '../../../db/pglite-template.ts';

const work = mkdtempSync(join(tmpdir(), 'huleedu-pglite-template-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fake "cluster": the file PGlite's initdb writes, and one more. */
async function fakeBuild(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'PG_VERSION'), '17\n');
  writeFileSync(join(dir, 'schema'), 'migrated');
}

describe('seedFromTemplate', () => {
  it('builds the template once, then copies it into each new data directory', async () => {
    const cache = join(work, 'cache-a');
    let builds = 0;
    const build = async (dir: string) => {
      builds++;
      await fakeBuild(dir);
    };
    expect(await seedFromTemplate(join(work, 'a1'), cache, 't1', build)).toBe('built');
    expect(await seedFromTemplate(join(work, 'a2'), cache, 't1', build)).toBe('copied');
    expect(builds).toBe(1);
    for (const dir of ['a1', 'a2'])
      expect(readdirSync(join(work, dir)).sort()).toEqual(['PG_VERSION', 'schema']);
    // Nothing left aside: only the template itself in the cache.
    expect(readdirSync(cache)).toEqual(['t1']);
    expect(readdirSync(work).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('leaves an existing cluster alone, and an empty directory becomes one', async () => {
    const cache = join(work, 'cache-b');
    const build = async (dir: string) => fakeBuild(dir);
    const existing = join(work, 'b1');
    await fakeBuild(existing);
    writeFileSync(join(existing, 'data'), 'essays');
    expect(await seedFromTemplate(existing, cache, 't', build)).toBe('existing');
    expect(readdirSync(existing).sort()).toEqual(['PG_VERSION', 'data', 'schema']);
    const empty = join(work, 'b2');
    mkdirSync(empty);
    expect(await seedFromTemplate(empty, cache, 't', build)).toBe('built');
    expect(isPgliteDataDir(empty)).toBe(true);
  });

  it('refuses a directory that holds something else', async () => {
    const dir = join(work, 'c1');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await expect(seedFromTemplate(dir, join(work, 'cache-c'), 't', fakeBuild)).rejects.toThrow(
      `${dir} is neither empty nor a PGlite data directory: refusing to write a database into it`,
    );
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('a build that fails leaves no template and no half-built directory behind', async () => {
    const cache = join(work, 'cache-d');
    const failing = async (dir: string) => {
      await fakeBuild(dir);
      throw new Error('initdb died');
    };
    await expect(seedFromTemplate(join(work, 'd1'), cache, 't', failing)).rejects.toThrow(
      'initdb died',
    );
    expect(readdirSync(cache)).toEqual([]);
    expect(existsSync(join(work, 'd1'))).toBe(false);
  });

  it('the template name changes with the migrations', () => {
    const a = join(work, 'migrations-a');
    mkdirSync(a);
    writeFileSync(join(a, '0000_init.sql'), 'create table t (a int);');
    const before = pgliteTemplateName(a);
    expect(before).toMatch(/^pglite-\d+\.\d+\.\d+-[0-9a-f]{12}$/);
    writeFileSync(join(a, '0001_more.sql'), 'alter table t add b int;');
    expect(pgliteTemplateName(a)).not.toBe(before);
  });
});

describe('openDatabase with pgliteTemplates', () => {
  it('a new data directory copied from the template is migrated and writable, and keeps its data', async () => {
    const cache = join(work, 'cache-real');
    const url = `pglite://${join(work, 'real-1')}`;
    {
      await using database = await openDatabase({ url, pgliteTemplates: cache });
      await database.db.execute(
        "insert into outbox (topic, key, headers, payload, event_id) values ('t', 'k', '{}', '{}', 'e1')",
      );
    }
    {
      await using database = await openDatabase({ url, pgliteTemplates: cache });
      const r = (await database.db.execute('select count(*)::int as n from outbox')) as unknown as {
        rows: { n: number }[];
      };
      expect(r.rows[0]?.n).toBe(1);
    }
    // A second directory from the same template starts empty.
    await using other = await openDatabase({
      url: `pglite://${join(work, 'real-2')}`,
      pgliteTemplates: cache,
    });
    const r = (await other.db.execute('select count(*)::int as n from outbox')) as unknown as {
      rows: { n: number }[];
    };
    expect(r.rows[0]?.n).toBe(0);
    expect(readdirSync(cache).filter((f) => f.startsWith('pglite-'))).toHaveLength(1);
  }, 120_000);
});
