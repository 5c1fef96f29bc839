import { z } from 'zod';

/** Kind of a stored piece of content (a key of `StorageReferenceMetadata.references`). */
export const ContentType = {
  ORIGINAL_ESSAY: 'original_essay',
  CORRECTED_TEXT: 'corrected_text',
  PROCESSING_LOG: 'processing_log',
  NLP_METRICS_JSON: 'nlp_metrics_json',
  STUDENT_FACING_AI_FEEDBACK_TEXT: 'student_facing_ai_feedback_text',
  AI_EDITOR_REVISION_TEXT: 'ai_editor_revision_text',
  AI_DETAILED_ANALYSIS_JSON: 'ai_detailed_analysis_json',
  GRAMMAR_ANALYSIS_JSON: 'grammar_analysis_json',
  CJ_RESULTS_JSON: 'cj_results_json',
  RAW_UPLOAD_BLOB: 'raw_upload_blob',
  EXTRACTED_PLAINTEXT: 'extracted_plaintext',
} as const;

export type ContentType = (typeof ContentType)[keyof typeof ContentType];

export const ContentTypeSchema = z.enum(ContentType);
