import { describe, expect, it } from 'vitest';
import {
  BatchStatus,
  ContentType,
  EssayStatus,
  isActiveStage,
  isTerminalStage,
  ProcessingStage,
} from '../../../common-core/index.ts';

const PHASES = [
  'spellcheck',
  'nlp',
  'ai_feedback',
  'editor_revision',
  'grammar_check',
  'cj_assessment',
];

describe('enumerations (values exactly as DESIGN.md lists them)', () => {
  it('EssayStatus', () => {
    const expected = [
      'uploaded',
      'text_extracted',
      'content_ingesting',
      'content_ingestion_failed',
      'ready_for_processing',
      ...PHASES.flatMap((p) =>
        p === 'spellcheck'
          ? [
              'awaiting_spellcheck',
              'spellchecking_in_progress',
              'spellchecked_success',
              'spellcheck_failed',
            ]
          : [`awaiting_${p}`, `${p}_processing_in_progress`, `${p}_success`, `${p}_failed`],
      ),
      'essay_all_processing_completed',
      'essay_partially_processed_with_failures',
      'essay_critical_failure',
    ];
    expect(Object.values(EssayStatus).sort()).toEqual(expected.sort());
  });

  it('BatchStatus', () => {
    expect(Object.values(BatchStatus)).toEqual([
      'awaiting_content_validation',
      'content_ingestion_failed',
      'awaiting_pipeline_configuration',
      'ready_for_pipeline_execution',
      'processing_pipelines',
      'completed_successfully',
      'completed_with_failures',
      'failed_critically',
      'cancelled',
    ]);
  });

  it('ProcessingStage with terminal and active sets', () => {
    expect(Object.values(ProcessingStage)).toEqual([
      'pending',
      'initialized',
      'processing',
      'completed',
      'failed',
      'cancelled',
    ]);
    expect(Object.values(ProcessingStage).filter(isTerminalStage)).toEqual([
      'completed',
      'failed',
      'cancelled',
    ]);
    expect(Object.values(ProcessingStage).filter(isActiveStage)).toEqual([
      'pending',
      'initialized',
      'processing',
    ]);
  });

  it('ContentType', () => {
    expect(Object.values(ContentType)).toEqual([
      'original_essay',
      'corrected_text',
      'processing_log',
      'nlp_metrics_json',
      'student_facing_ai_feedback_text',
      'ai_editor_revision_text',
      'ai_detailed_analysis_json',
      'grammar_analysis_json',
      'cj_results_json',
      'raw_upload_blob',
      'extracted_plaintext',
    ]);
  });
});
