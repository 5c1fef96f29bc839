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
export {
  REPORT_CONTENT_TYPES,
  REPORT_FORMATS,
  type ReportFormat,
  renderReport,
} from './render-report.ts';
