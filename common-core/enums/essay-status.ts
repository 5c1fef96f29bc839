import { z } from 'zod';

/** Lifecycle status of one essay, as the original platform defined it at phase 1.2. */
export const EssayStatus = {
  UPLOADED: 'uploaded',
  TEXT_EXTRACTED: 'text_extracted',
  CONTENT_INGESTING: 'content_ingesting',
  CONTENT_INGESTION_FAILED: 'content_ingestion_failed',
  READY_FOR_PROCESSING: 'ready_for_processing',

  AWAITING_SPELLCHECK: 'awaiting_spellcheck',
  SPELLCHECKING_IN_PROGRESS: 'spellchecking_in_progress',
  SPELLCHECKED_SUCCESS: 'spellchecked_success',
  SPELLCHECK_FAILED: 'spellcheck_failed',

  AWAITING_NLP: 'awaiting_nlp',
  NLP_PROCESSING_IN_PROGRESS: 'nlp_processing_in_progress',
  NLP_SUCCESS: 'nlp_success',
  NLP_FAILED: 'nlp_failed',

  AWAITING_AI_FEEDBACK: 'awaiting_ai_feedback',
  AI_FEEDBACK_PROCESSING_IN_PROGRESS: 'ai_feedback_processing_in_progress',
  AI_FEEDBACK_SUCCESS: 'ai_feedback_success',
  AI_FEEDBACK_FAILED: 'ai_feedback_failed',

  AWAITING_EDITOR_REVISION: 'awaiting_editor_revision',
  EDITOR_REVISION_PROCESSING_IN_PROGRESS: 'editor_revision_processing_in_progress',
  EDITOR_REVISION_SUCCESS: 'editor_revision_success',
  EDITOR_REVISION_FAILED: 'editor_revision_failed',

  AWAITING_GRAMMAR_CHECK: 'awaiting_grammar_check',
  GRAMMAR_CHECK_PROCESSING_IN_PROGRESS: 'grammar_check_processing_in_progress',
  GRAMMAR_CHECK_SUCCESS: 'grammar_check_success',
  GRAMMAR_CHECK_FAILED: 'grammar_check_failed',

  AWAITING_CJ_ASSESSMENT: 'awaiting_cj_assessment',
  CJ_ASSESSMENT_PROCESSING_IN_PROGRESS: 'cj_assessment_processing_in_progress',
  CJ_ASSESSMENT_SUCCESS: 'cj_assessment_success',
  CJ_ASSESSMENT_FAILED: 'cj_assessment_failed',

  ESSAY_ALL_PROCESSING_COMPLETED: 'essay_all_processing_completed',
  ESSAY_PARTIALLY_PROCESSED_WITH_FAILURES: 'essay_partially_processed_with_failures',
  ESSAY_CRITICAL_FAILURE: 'essay_critical_failure',
} as const;

export type EssayStatus = (typeof EssayStatus)[keyof typeof EssayStatus];

export const EssayStatusSchema = z.enum(EssayStatus);

/**
 * Essay states in which its pipeline has concluded: nothing follows unless a teacher retries
 * the batch's failed essays (which restarts `essay_partially_processed_with_failures`).
 */
export const CONCLUDED_ESSAY_STATUSES: ReadonlySet<string> = new Set([
  EssayStatus.ESSAY_ALL_PROCESSING_COMPLETED,
  EssayStatus.ESSAY_PARTIALLY_PROCESSED_WITH_FAILURES,
  EssayStatus.ESSAY_CRITICAL_FAILURE,
]);
