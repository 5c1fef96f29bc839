export {
  type BatchReport,
  buildBatchReport,
  type CorrectionKind,
  correctionKind,
  type EssayReport,
  type ReportCorrection,
} from './batch-report.ts';
export { renderReportCsv } from './render-csv.ts';
export { renderReportHtml } from './render-html.ts';

/** The report formats: a page for teachers, JSON for programs, CSV for spreadsheets. */
export const REPORT_FORMATS = ['html', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
