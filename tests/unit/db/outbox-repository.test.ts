import { describe } from 'vitest';
import { useDatabase } from '../../helpers/database.ts';
import { outboxRepositoryCases } from '../../helpers/outbox-repository-cases.ts';

describe('outbox repository (PGlite)', () => {
  outboxRepositoryCases(useDatabase({ url: 'pglite://memory' }));
});
