import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../../db/index.ts';
import { buildApp } from '../../../../services/content/app.ts';
import { PgContentStore } from '../../../../services/content/store/pg-store.ts';
import { DATABASE_URL } from '../../../helpers/infra.ts';

describe.each([
  ['real Postgres', () => DATABASE_URL],
  ['PGlite', () => 'pglite://memory'],
])('content service on the Postgres backend (%s)', (_name, url) => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ url: url() });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('stores, deduplicates and serves bytes with their content type', async () => {
    const app = await buildApp({ store: new PgContentStore(database.db), maxBytes: 1 << 20 });
    try {
      const body = randomBytes(3000);
      const first = await app.inject({
        method: 'POST',
        url: '/v1/content',
        payload: body,
        headers: { 'content-type': 'application/x-test' },
      });
      const second = await app.inject({
        method: 'POST',
        url: '/v1/content',
        payload: body,
        headers: { 'content-type': 'application/x-test' },
      });
      expect(first.statusCode).toBe(201);
      expect(second.json()).toEqual(first.json());
      const id = first.json<{ storage_id: string }>().storage_id;
      const get = await app.inject({ method: 'GET', url: `/v1/content/${id}` });
      expect(get.rawPayload.equals(body)).toBe(true);
      expect(get.headers['content-type']).toBe('application/x-test');
      expect(
        (await app.inject({ method: 'GET', url: `/v1/content/${'f'.repeat(32)}` })).statusCode,
      ).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
