import { and, asc, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { type Db, tables } from '../../db/index.ts';

/** A submitted batch as the api recorded it. */
export interface BatchRecord {
  batchId: string;
  teacherId: string;
  idempotencyKey: string | null;
  courseCode: string | null;
  language: string;
  pipeline: string[];
  essayCount: number;
  correlationId: string;
  createdAt: string;
  publishedAt: string | null;
}

/** One essay of a submitted batch. */
export interface EssayRecord {
  essayId: string;
  batchId: string;
  position: number;
  name: string;
  textStorageId: string;
}

/** A page of a teacher's batches, newest first, and the cursor of the next page. */
export interface BatchPage {
  batches: BatchRecord[];
  nextCursor: string | null;
}

const iso = (v: Date | string | null): string | null =>
  v === null ? null : new Date(v).toISOString();

function toRecord(row: typeof tables.apiBatches.$inferSelect): BatchRecord {
  return {
    ...row,
    createdAt: iso(row.createdAt) as string,
    publishedAt: iso(row.publishedAt),
  };
}

/** The cursor is opaque to clients: the last row's (created_at, batch_id), base64url. */
function encodeCursor(b: BatchRecord): string {
  return Buffer.from(`${b.createdAt}|${b.batchId}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; batchId: string } | undefined {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) return undefined;
  return { createdAt, batchId: id };
}

/** The api's own tables: which teacher owns which batch, its essays, and its idempotency key. */
export class BatchRegistry {
  constructor(private readonly db: Db) {}

  async findByIdempotencyKey(teacherId: string, key: string): Promise<BatchRecord | undefined> {
    const [row] = await this.db
      .select()
      .from(tables.apiBatches)
      .where(
        and(eq(tables.apiBatches.teacherId, teacherId), eq(tables.apiBatches.idempotencyKey, key)),
      );
    return row ? toRecord(row) : undefined;
  }

  /**
   * Record a batch and its essays in one transaction. When a batch with the same id exists (a
   * concurrent request with the same idempotency key won), nothing is written and that batch
   * is returned.
   */
  async create(
    batch: Omit<BatchRecord, 'createdAt' | 'publishedAt'>,
    essays: readonly EssayRecord[],
  ): Promise<{ batch: BatchRecord; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(tables.apiBatches)
        .values(batch)
        .onConflictDoNothing()
        .returning();
      const row = inserted[0];
      if (!row) {
        const [existing] = await tx
          .select()
          .from(tables.apiBatches)
          .where(eq(tables.apiBatches.batchId, batch.batchId));
        if (!existing) throw new Error(`batch ${batch.batchId} conflicted but cannot be read`);
        return { batch: toRecord(existing), created: false };
      }
      // Batches of hundreds of essays: one statement per 1,000 rows keeps under the parameter limit.
      for (let i = 0; i < essays.length; i += 1_000)
        await tx.insert(tables.apiEssays).values(essays.slice(i, i + 1_000));
      return { batch: toRecord(row), created: true };
    });
  }

  async markPublished(batchId: string): Promise<void> {
    await this.db
      .update(tables.apiBatches)
      .set({ publishedAt: sql`now()` })
      .where(and(eq(tables.apiBatches.batchId, batchId), isNull(tables.apiBatches.publishedAt)));
  }

  async get(batchId: string): Promise<BatchRecord | undefined> {
    const [row] = await this.db
      .select()
      .from(tables.apiBatches)
      .where(eq(tables.apiBatches.batchId, batchId));
    return row ? toRecord(row) : undefined;
  }

  async essays(batchId: string): Promise<EssayRecord[]> {
    return this.db
      .select()
      .from(tables.apiEssays)
      .where(eq(tables.apiEssays.batchId, batchId))
      .orderBy(asc(tables.apiEssays.position));
  }

  async essay(essayId: string): Promise<EssayRecord | undefined> {
    const [row] = await this.db
      .select()
      .from(tables.apiEssays)
      .where(eq(tables.apiEssays.essayId, essayId));
    return row;
  }

  /** A teacher's batches, newest first; `cursor` from the previous page. Undefined: bad cursor. */
  async list(teacherId: string, limit: number, cursor?: string): Promise<BatchPage | undefined> {
    const after = cursor ? decodeCursor(cursor) : undefined;
    if (cursor && !after) return undefined;
    const t = tables.apiBatches;
    const rows = await this.db
      .select()
      .from(t)
      .where(
        and(
          eq(t.teacherId, teacherId),
          after
            ? or(
                lt(t.createdAt, after.createdAt),
                and(eq(t.createdAt, after.createdAt), lt(t.batchId, after.batchId)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(t.createdAt), desc(t.batchId))
      .limit(limit + 1);
    const batches = rows.slice(0, limit).map(toRecord);
    const last = batches[batches.length - 1];
    return { batches, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }
}
