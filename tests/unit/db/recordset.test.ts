import { describe, expect, it } from 'vitest';
import { recordset } from '../../../db/recordset.ts';
import { inTransaction } from '../../../db/statements.ts';
import { useDatabase } from '../../helpers/database.ts';

interface Row {
  name: string | null;
  n: number;
  ok: boolean;
  at: Date;
  doc: object;
}

// Values a naive delimiter or escaping scheme would break on.
const awkward: Row[] = [
  { name: 'plain', n: 1, ok: true, at: new Date('2026-01-02T03:04:05.678Z'), doc: { a: 1 } },
  {
    name: 'quote " backslash \\ comma , brace { } \u001e\u001f\n\t tab',
    n: -2,
    ok: false,
    at: new Date(0),
    doc: { s: 'record separator \u001e inside a string', u: 'é 漢字 😀', nested: [null, 'x'] },
  },
  { name: '', n: 0, ok: true, at: new Date('2030-12-31T23:59:59.999Z'), doc: {} },
  { name: null, n: 2_147_483_647, ok: false, at: new Date('1999-01-01T00:00:00.000Z'), doc: [] },
];

describe('recordset (PGlite)', () => {
  const database = useDatabase({ url: 'pglite://memory', migrate: false });

  const select = async (rows: readonly Row[]) => {
    const from = recordset(rows, 'u', {
      name: ['text', (r) => r.name],
      n: ['int', (r) => r.n],
      ok: ['bool', (r) => r.ok],
      at: ['timestamptz', (r) => r.at],
      doc: ['json', (r) => r.doc],
      doc_text: ['json text', (r) => JSON.stringify(r.doc)],
    });
    const result = await inTransaction(database().db, (run) =>
      run({
        text: `select name, n, ok, at, doc, doc_text from ${from.text} order by ordinality`,
        values: from.values,
      }),
    );
    return result.rows as {
      name: string | null;
      n: number;
      ok: boolean;
      at: string | Date;
      doc: unknown;
      doc_text: string;
    }[];
  };

  it('carries every value of every column unchanged, in the rows order', async () => {
    const got = await select(awkward);
    expect(got).toHaveLength(awkward.length);
    got.forEach((row, i) => {
      const want = awkward[i] as Row;
      expect(row.name).toBe(want.name);
      expect(row.n).toBe(want.n);
      expect(row.ok).toBe(want.ok);
      expect(new Date(row.at).toISOString()).toBe(want.at.toISOString());
      expect(row.doc).toEqual(want.doc);
      // `json text` comes back exactly as it went in (an envelope is published byte for byte).
      expect(row.doc_text).toBe(JSON.stringify(want.doc));
    });
  });

  it('handles a single row whose only text is empty', async () => {
    const one: Row = { name: '', n: 5, ok: true, at: new Date(5), doc: {} };
    const got = await select([one]);
    expect(got).toHaveLength(1);
    expect(got[0]?.name).toBe('');
    expect(got[0]?.doc_text).toBe('{}');
  });

  it('tells SQL NULL from an empty string and from the text "null" when no value needs escaping', async () => {
    // No separator in any text: every column takes the split path, NULL as the unit separator.
    const rows: Row[] = [
      { name: null, n: 1, ok: true, at: new Date(1), doc: { s: 'a\u001eb' } },
      { name: '', n: 2, ok: false, at: new Date(2), doc: null as unknown as object },
      { name: 'null', n: 3, ok: true, at: new Date(3), doc: ['', null] },
      {
        name: 'é 漢字 😀 , " \\',
        n: -4,
        ok: false,
        at: new Date(4),
        doc: 'text' as unknown as object,
      },
    ];
    const got = await select(rows);
    expect(got.map((r) => r.name)).toEqual([null, '', 'null', 'é 漢字 😀 , " \\']);
    expect(got.map((r) => r.n)).toEqual([1, 2, 3, -4]);
    expect(got.map((r) => r.doc)).toEqual([{ s: 'a\u001eb' }, null, ['', null], 'text']);
    expect(got.map((r) => r.doc_text)).toEqual(rows.map((r) => JSON.stringify(r.doc)));
  });

  it('refuses a json text holding a raw record separator (it would misalign the rows)', () => {
    expect(() => recordset([{ t: '"a"\u001e"b"' }], 'u', { t: ['json text', (r) => r.t] })).toThrow(
      /column t: not a serialised JSON text/,
    );
  });
});
