import { describe } from 'vitest';
import { useFreshDatabase } from '../../helpers/database.ts';
import { DATABASE_URL } from '../../helpers/infra.ts';
import { outboxRepositoryCases } from '../../helpers/outbox-repository-cases.ts';

describe('outbox repository (node-postgres, a database of its own)', () => {
  outboxRepositoryCases(useFreshDatabase(DATABASE_URL, 'huleedu_outbox'));
});
