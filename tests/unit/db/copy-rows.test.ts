import { afterAll, beforeAll, describe } from 'vitest';
import { type Database, openDatabase } from '../../../db/index.ts';
import { copyRowsCases } from '../../helpers/copy-rows-cases.ts';

describe('copy (PGlite: INSERT ... SELECT over a recordset)', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ url: 'pglite://memory', migrate: false });
  });
  afterAll(async () => {
    await database.close();
  });
  copyRowsCases(() => database);
});
