import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/index.ts';
import { tables } from '../../../db/index.ts';
import type { ContentStore, StoredContent } from './content-store.ts';

/** Postgres store through Drizzle: one row per object; the hash key makes inserts idempotent. */
export class PgContentStore implements ContentStore {
  constructor(
    private readonly db: Db,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  async put(storageId: string, body: Buffer, contentType: string): Promise<'created' | 'exists'> {
    const inserted = await this.db
      .insert(tables.contentObjects)
      .values({ storageId, body, contentType, sizeBytes: body.length })
      .onConflictDoNothing()
      .returning({ id: tables.contentObjects.storageId });
    return inserted.length > 0 ? 'created' : 'exists';
  }

  async get(storageId: string): Promise<StoredContent | undefined> {
    const rows = await this.db
      .select({ body: tables.contentObjects.body, contentType: tables.contentObjects.contentType })
      .from(tables.contentObjects)
      .where(eq(tables.contentObjects.storageId, storageId))
      .limit(1);
    return rows[0];
  }

  async healthy(): Promise<boolean> {
    try {
      await this.db.execute(sql`select 1`);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}
