import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../../db/statements.ts';
import { copyRowsCases } from '../../helpers/copy-rows-cases.ts';
import { useDatabase } from '../../helpers/database.ts';
import { DATABASE_URL } from '../../helpers/infra.ts';

describe('copy (node-postgres: binary COPY FROM STDIN)', () => {
  const database = useDatabase({ url: DATABASE_URL, migrate: false, maxConnections: 2 });
  copyRowsCases(database);

  it('fails, and neither hangs nor crashes the process, when the server closed the connection', async () => {
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    try {
      const attempt = inTransaction(database().db, async (run, copy) => {
        // A table the COPY would fill, were the connection alive.
        await run({ text: 'create temp table copied (k text) on commit drop', values: [] });
        const { rows } = await run({ text: 'select pg_backend_pid() as pid', values: [] });
        await admin.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
        // Let the client see the socket close while it is checked out: node-postgres then
        // emits 'error' on it, which crashed the process before openDatabase listened for it.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await copy('copied', { k: ['text', (r: { k: string }) => r.k] }, [{ k: 'a' }]);
      });
      await expect(attempt).rejects.toThrow();
      // The pool replaced the broken connection: the next transaction works.
      const next = await inTransaction(database().db, (run) =>
        run({ text: 'select 1', values: [] }),
      );
      expect(next.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
  });
});
