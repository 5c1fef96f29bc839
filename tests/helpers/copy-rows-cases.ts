import { expect, it } from 'vitest';
import type { Database } from '../../db/index.ts';
import type { ColumnSpec } from '../../db/recordset.ts';
import { inTransaction } from '../../db/statements.ts';

/**
 * The `copy` of a transaction (db/statements.ts) on one driver: a binary COPY on node-postgres,
 * an INSERT ... SELECT on PGlite. Both must store every value exactly and keep the rows' order.
 */
interface Row {
  name: string | null;
  n: number;
  big: number;
  ok: boolean;
  at: Date;
  doc: unknown;
  docText: string;
}

const SPEC: ColumnSpec<Row> = {
  name: ['text', (r) => r.name],
  n: ['int', (r) => r.n],
  big: ['bigint', (r) => r.big],
  ok: ['bool', (r) => r.ok],
  at: ['timestamptz', (r) => r.at],
  doc: ['json', (r) => r.doc as object],
  docB: ['jsonb', (r) => r.doc as object],
  docText: ['json text', (r) => r.docText],
};

const row = (name: string | null, n: number, doc: unknown, at = new Date(n * 1000)): Row => ({
  name,
  n,
  // Beyond 32 bits, within the doubles that hold integers exactly.
  big: n * 4_000_000,
  ok: n % 2 === 0,
  at,
  doc,
  docText: JSON.stringify(doc),
});

// Values a delimiter, escaping or length calculation would break on.
const AWKWARD: Row[] = [
  row('plain', 1, { a: 1 }, new Date('2026-01-02T03:04:05.678Z')),
  row('quote " backslash \\ comma , brace { } \u001e\u001f\n\r\t tab', -2, {
    s: 'separators \u001e \u001f \\ "',
    u: 'é 漢字 😀',
    nested: [null, 'x'],
  }),
  row('', 0, {}, new Date(0)),
  row(null, 2_147_483_647, [], new Date('1999-12-31T23:59:59.999Z')),
  row('null', -2_147_483_648, null, new Date('2000-01-01T00:00:00.001Z')),
  row('é 漢字 😀', 3, 'text'),
];

async function roundTrip(database: Database, rows: readonly Row[]) {
  return inTransaction(database.db, async (run, copy) => {
    await run({
      text: `create temp table copied (
        id serial, name text, n int, big bigint, ok boolean, at timestamptz, doc json, doc_b jsonb, doc_text text
      ) on commit drop`,
      values: [],
    });
    const count = await copy('copied', SPEC, rows);
    const result = await run({
      text: 'select name, n, big::text as big, ok, at, doc::text as doc, doc_b, doc_text from copied order by id',
      values: [],
    });
    return { count, rows: result.rows };
  });
}

/** Registers the cases; `database` is read when they run. */
export function copyRowsCases(database: () => Database): void {
  it('stores every value of every type unchanged, in the rows order', async () => {
    const { count, rows } = await roundTrip(database(), AWKWARD);
    expect(count).toBe(AWKWARD.length);
    expect(rows).toHaveLength(AWKWARD.length);
    rows.forEach((got, i) => {
      const want = AWKWARD[i] as Row;
      expect(got.name).toBe(want.name);
      expect(got.n).toBe(want.n);
      expect(got.big).toBe(String(want.big));
      expect(got.ok).toBe(want.ok);
      expect(new Date(got.at as string).toISOString()).toBe(want.at.toISOString());
      // json keeps the text as written; jsonb is parsed.
      expect(got.doc).toBe(JSON.stringify(want.doc));
      expect(got.doc_b).toEqual(want.doc);
      expect(got.doc_text).toBe(want.docText);
    });
  });

  it('copies nothing for no rows', async () => {
    const { count, rows } = await roundTrip(database(), []);
    expect(count).toBe(0);
    expect(rows).toEqual([]);
  });

  it('copies a batch far larger than the one before it (the buffer grows)', async () => {
    await roundTrip(database(), [row('small', 1, {})]);
    const big = Array.from({ length: 2_000 }, (_, i) =>
      row(`r${i}`, i, { pad: 'x'.repeat(i % 3_000) }),
    );
    const { count, rows } = await roundTrip(database(), big);
    expect(count).toBe(big.length);
    expect(rows.map((r) => r.name)).toEqual(big.map((r) => r.name));
    expect(rows[1_999]?.doc_text).toBe(big[1_999]?.docText);
  });

  it('fails the statement on a key violation, with the constraint named', async () => {
    const failed = inTransaction(database().db, async (run, copy) => {
      await run({
        text: 'create temp table keyed (k text primary key) on commit drop',
        values: [],
      });
      await copy('keyed', { k: ['text', (r: { k: string }) => r.k] }, [{ k: 'a' }, { k: 'a' }]);
    });
    await expect(failed).rejects.toMatchObject({ code: '23505', constraint: 'keyed_pkey' });
  });

  it('refuses a value its column type cannot hold', async () => {
    await expect(roundTrip(database(), [{ ...row('x', 1, {}), n: 1.5 }])).rejects.toThrow();
    await expect(roundTrip(database(), [{ ...row('x', 1, {}), n: Number.NaN }])).rejects.toThrow();
    await expect(
      roundTrip(database(), [{ ...row('x', 1, {}), at: new Date(Number.NaN) }]),
    ).rejects.toThrow();
  });

  it('refuses a json text that is not a string', async () => {
    const bad = [{ ...row('x', 1, {}), docText: 42 as unknown as string }];
    await expect(roundTrip(database(), bad)).rejects.toThrow(
      /column docText: not a serialised JSON text/,
    );
  });
}
