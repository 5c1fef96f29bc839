import { presentedColumns } from '../../phases/index.ts';
import type { BatchReport } from './batch-report.ts';

const cell = (v: string | number): string => {
  const s = String(v);
  // Quoted when needed; a leading = + - @ is prefixed so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/**
 * One row per correction (and one per essay without any, so failed and clean essays show):
 * essay, essay_id, status, start, end, original, replacement, kind, error, then the figures the
 * phases present (text metrics), each row of an essay repeating them (empty without them).
 * RFC 4180, CRLF.
 */
export function renderReportCsv(report: BatchReport): string {
  const columns = presentedColumns();
  const rows: (string | number)[][] = [
    [
      'essay',
      'essay_id',
      'status',
      'start',
      'end',
      'original',
      'replacement',
      'kind',
      'error',
      ...columns.map((c) => c.key),
    ],
  ];
  for (const e of report.essays) {
    const error = e.error ? `${e.error.code}: ${e.error.message}` : '';
    const metrics = columns.map(
      (c) =>
        e.figures.find((r) => r.phase === c.phase)?.figures.find((f) => f.key === c.key)?.value ??
        '',
    );
    if (e.corrections.length === 0)
      rows.push([e.name, e.essayId, e.status, '', '', '', '', '', error, ...metrics]);
    for (const c of e.corrections)
      rows.push([
        e.name,
        e.essayId,
        e.status,
        c.start,
        c.end,
        c.original,
        c.replacement,
        c.kind,
        error,
        ...metrics,
      ]);
  }
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
