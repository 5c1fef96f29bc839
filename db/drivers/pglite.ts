import type { PGlite } from '@electric-sql/pglite';
import type { Copy } from '../copy.ts';
import { columnName } from '../copy-rows.ts';
import { recordset } from '../recordset.ts';
import type { Run } from '../statement-types.ts';

/**
 * The PGlite driver of `inTransaction`: PGlite's own transaction, and `copy` as an
 * INSERT ... SELECT over a `recordset` (PGlite has no COPY FROM STDIN).
 */
export function onPglite<T>(
  client: PGlite,
  work: (run: Run, copy: Copy) => Promise<T>,
): Promise<T> {
  return client.transaction((tx) => {
    const run: Run = async ({ text, values }) => {
      const r = await tx.query<Record<string, unknown>>(text, values);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    };
    const copy: Copy = async (table, spec, rows) => {
      if (rows.length === 0) return 0;
      const source = recordset(rows, 'r', spec);
      const keys = Object.keys(spec);
      const text = `insert into ${table} (${keys.map(columnName).join(', ')}) select ${keys.map((k) => `"${k}"`).join(', ')} from ${source.text} order by ordinality`;
      return (await run({ text, values: source.values })).rowCount;
    };
    return work(run, copy);
  });
}
