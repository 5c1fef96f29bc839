import { type SQL, sql } from 'drizzle-orm';

/**
 * The SQL type a column is cast to. `json`/`jsonb` columns take a JS value to serialise;
 * `json text` takes a JSON text already serialised and yields it as `text`, unparsed and
 * unescaped (an envelope to publish).
 */
export type ColumnType =
  | 'text'
  | 'int'
  | 'bigint'
  | 'bool'
  | 'timestamptz'
  | 'json'
  | 'jsonb'
  | 'json text';

export type ColumnValue = string | number | boolean | Date | null | object;

/** Column name -> [SQL type, the value of that column in a row]. */
export type ColumnSpec<R> = Record<string, readonly [ColumnType, (row: R) => ColumnValue]>;

// The record separator. JSON.stringify escapes every control character inside strings and
// writes none between tokens, so it never occurs in a serialised document.
const RS = '\u001e';

/**
 * Rows as a derived table `(select ...) as <alias>` with one typed column per spec entry plus
 * `ordinality`, the row's position (1-based), for statements that must keep the rows' order.
 *
 * Each column travels as ONE parameter, expanded position by position with `rows from (...)`:
 * scalars as a JSON array (`json_array_elements_text`), documents as their JSON texts joined by
 * the record separator (`string_to_array`), unescaped. Measured against `json_to_recordset` over
 * the same rows, this is 2-3x less server CPU: that function builds a hash table for every row
 * object and parses every nested document, where these take flat arrays.
 */
export function recordset<R>(rows: readonly R[], alias: string, spec: ColumnSpec<R>): SQL {
  const names = Object.keys(spec);
  const sources: SQL[] = [];
  const selects: SQL[] = [];
  names.forEach((name, i) => {
    const [type, get] = spec[name] as (typeof spec)[string];
    const c = sql.identifier(`c${i}`);
    if (type === 'json' || type === 'jsonb' || type === 'json text') {
      let text = '';
      for (let r = 0; r < rows.length; r++) {
        if (r > 0) text += RS;
        const value = get(rows[r] as R);
        if (type !== 'json text') text += JSON.stringify(value);
        else if (typeof value === 'string' && !value.includes(RS)) text += value;
        // A raw separator would shift every later row into the wrong record: refuse it.
        else throw new TypeError(`column ${name}: not a serialised JSON text`);
      }
      sources.push(sql`unnest(string_to_array(${sql.param(text)}::text, chr(30)))`);
    } else {
      const values = rows.map((row) => {
        const v = get(row);
        return v instanceof Date ? v.toISOString() : v;
      });
      sources.push(sql`json_array_elements_text(${sql.param(JSON.stringify(values))}::json)`);
    }
    selects.push(
      sql`${c}::${sql.raw(type === 'json text' ? 'text' : type)} as ${sql.identifier(name)}`,
    );
  });
  const columns = sql.join(
    names.map((_, i) => sql.identifier(`c${i}`)),
    sql`, `,
  );
  return sql`(select ${sql.join(selects, sql`, `)}, ordinality from rows from (${sql.join(sources, sql`, `)}) with ordinality as r(${columns}, ordinality)) as ${sql.identifier(alias)}`;
}
