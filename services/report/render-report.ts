import type { BatchReport } from './batch-report.ts';
import { renderReportCsv } from './render-csv.ts';
import { renderReportHtml } from './render-html.ts';

/** The report formats: a page for teachers, JSON for programs, CSV for spreadsheets. */
export const REPORT_FORMATS = ['html', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What each format is served as. */
export const REPORT_CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** A report in one of its formats. */
export function renderReport(report: BatchReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'csv') return renderReportCsv(report);
  return renderReportHtml(report);
}
