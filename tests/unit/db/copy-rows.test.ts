import { describe } from 'vitest';
import { copyRowsCases } from '../../helpers/copy-rows-cases.ts';
import { useDatabase } from '../../helpers/database.ts';

describe('copy (PGlite: INSERT ... SELECT over a recordset)', () => {
  copyRowsCases(useDatabase({ url: 'pglite://memory', migrate: false }));
});
