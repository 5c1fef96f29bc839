import type { Statement } from './statement-types.ts';

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

// The record and unit separators. JSON.stringify escapes every control character inside
// strings and writes none between tokens, so neither occurs in a serialised document, nor in
// the text of a number, boolean or time.
const RS = '\u001e';
const US = '\u001f';
const holdsSeparator = (text: string): boolean => text.includes(RS) || text.includes(US);

/**
 * Rows as a derived table `(select ...) as <alias>` with one typed column per spec entry plus
 * `ordinality`, the row's position (1-based), for statements that must keep the rows' order.
 *
 * Each column travels as ONE text parameter, its values joined by the record separator and
 * split again by `string_to_table` (SQL NULL written as the unit separator), positions aligned
 * by `rows from (...)`. Documents go unescaped. A text column with a value that holds either
 * separator travels as a JSON array instead (`json_array_elements_text`), so any string is
 * carried exactly. Measured per 700-byte document, server CPU: `string_to_table` 2.6-2.9 µs,
 * `unnest(string_to_array(...))` 3.7-5.1 µs (the planner folds it into a constant array first,
 * a fresh large allocation per statement), and `json_to_recordset`, which builds a hash table
 * per row object, 2-3x more again.
 *
 * Returns the derived table's SQL text with parameters $1, $2, ... (one per column, in spec
 * order) and their values: embed the text in a statement and pass the values.
 * Keep `spec` a constant: its SQL is worked out once per spec object.
 */
export function recordset<R>(rows: readonly R[], alias: string, spec: ColumnSpec<R>): Statement {
  const shape = shapeOf(spec);
  const values: string[] = [];
  let text = shape.head;
  shape.columns.forEach(({ name, type, get }, i) => {
    const texts: (string | null)[] = new Array(rows.length);
    let separable = true;
    let nulls = false;
    for (let r = 0; r < rows.length; r++) {
      const value = get(rows[r] as R);
      let t: string | null;
      if (type === 'json' || type === 'jsonb') t = JSON.stringify(value);
      else if (type === 'json text') {
        // A raw separator would shift every later row into the wrong record: refuse it.
        if (typeof value !== 'string' || holdsSeparator(value))
          throw new TypeError(`column ${name}: not a serialised JSON text`);
        t = value;
      } else if (value === null) {
        t = null;
        nulls = true;
      } else if (value instanceof Date) t = value.toISOString();
      else {
        t = String(value);
        if (type === 'text' && holdsSeparator(t)) separable = false;
      }
      texts[r] = t;
    }
    // An empty input yields no rows at all: a lone empty string goes the JSON way too.
    if (rows.length === 1 && texts[0] === '') separable = false;
    if (i > 0) text += ', ';
    if (separable) {
      // join(), not +=: one flat string, where a chain of += is a rope that the driver must
      // flatten (a second copy) before it can encode it.
      const joined = (nulls ? texts.map((t) => t ?? US) : texts).join(RS);
      values.push(joined);
      text += `string_to_table($${i + 1}::text, chr(30), chr(31))`;
    } else {
      values.push(JSON.stringify(texts));
      text += `json_array_elements_text($${i + 1}::json)`;
    }
  });
  return { text: text + shape.tail + quoted(alias), values };
}

/** One column of a spec: its key, its type and how a row gives its value. */
export interface SpecColumn<R> {
  name: string;
  type: ColumnType;
  get: (row: R) => ColumnValue;
}

/** A spec's columns in order, worked out once per spec object. */
export function specColumns<R>(spec: ColumnSpec<R>): SpecColumn<R>[] {
  return shapeOf(spec).columns;
}

interface Shape<R> {
  columns: SpecColumn<R>[];
  /** The text before the first column source, and after the last (up to the alias). */
  head: string;
  tail: string;
}

// Statements keep their column specs in constants, so each shape is worked out once.
const shapes = new WeakMap<object, Shape<never>>();

function shapeOf<R>(spec: ColumnSpec<R>): Shape<R> {
  let shape = shapes.get(spec) as Shape<R> | undefined;
  if (!shape) {
    const columns = Object.entries(spec).map(([name, [type, get]]) => ({ name, type, get }));
    const selects = columns.map(
      ({ name, type }, i) => `c${i}::${type === 'json text' ? 'text' : type} as ${quoted(name)}`,
    );
    const names = columns.map((_, i) => `c${i}`).join(', ');
    shape = {
      columns,
      head: `(select ${selects.join(', ')}, ordinality from rows from (`,
      tail: `) with ordinality as r(${names}, ordinality)) as `,
    };
    shapes.set(spec, shape as Shape<never>);
  }
  return shape;
}

/** A quoted SQL identifier. */
const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;
