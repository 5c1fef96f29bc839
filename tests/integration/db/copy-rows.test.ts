import { afterAll, beforeAll, describe } from 'vitest';
import { type Database, openDatabase } from '../../../db/index.ts';
import { copyRowsCases } from '../../helpers/copy-rows-cases.ts';
import { DATABASE_URL } from '../../helpers/infra.ts';

describe('copy (node-postgres: binary COPY FROM STDIN)', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ url: DATABASE_URL, migrate: false, maxConnections: 2 });
  });
  afterAll(async () => {
    await database.close();
  });
  copyRowsCases(() => database);
});
