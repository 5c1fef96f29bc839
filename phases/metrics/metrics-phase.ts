import {
  BatchNlpInitiateCommandV1Schema,
  EssayStatus,
  InvalidPayloadError,
  ProcessingEvent,
  TextMetricsResultDataV1Schema,
  type TextMetricsV1,
  TextMetricsV1Schema,
} from '../../common-core/index.ts';
import { failedOutcome, pendingUpdate } from '../phase-events.ts';
import { definePhase } from '../phase-module.ts';
import { spellcheckResultOf } from '../spellcheck/spellcheck-phase.ts';

/**
 * Text metrics (words, sentences, lexical diversity, readability, spelling error rate), computed
 * by `services/metrics`. It is the original platform's NLP phase: its statuses, its events and
 * its content type (`nlp_metrics_json`). After spellcheck it reads the corrected text and the
 * number of corrections; alone, the text as written (and no spelling error rate).
 */
export const METRICS_PHASE = definePhase({
  name: 'metrics',
  statuses: {
    awaiting: EssayStatus.AWAITING_NLP,
    inProgress: EssayStatus.NLP_PROCESSING_IN_PROGRESS,
    success: EssayStatus.NLP_SUCCESS,
    failed: EssayStatus.NLP_FAILED,
  },
  initiate: {
    event: ProcessingEvent.BATCH_NLP_INITIATE_COMMAND,
    data: BatchNlpInitiateCommandV1Schema,
    build: (i) => ({
      essays_to_process: i.essays,
      language: i.language,
      retry: i.retry,
      pipeline: i.pipeline,
    }),
  },
  request: {
    event: ProcessingEvent.ESSAY_NLP_REQUESTED,
    build(r, timestamp) {
      const spellchecked = spellcheckResultOf(r.results);
      return {
        ...pendingUpdate(
          r,
          ProcessingEvent.ESSAY_NLP_REQUESTED,
          EssayStatus.AWAITING_NLP,
          timestamp,
        ),
        text_storage_id: spellchecked?.correctedTextStorageId ?? r.textStorageId,
        language: r.language,
        corrections_made: spellchecked?.correctionsMade ?? null,
      };
    },
  },
  presentation: {
    title: 'Text metrics',
    figures: [
      { key: 'words', label: 'Words', short: 'words' },
      { key: 'sentences', label: 'Sentences', short: 'sentences' },
      { key: 'mean_sentence_length', label: 'Words per sentence', digits: 1 },
      { key: 'lexical_diversity', label: 'Lexical diversity (MTLD)', short: 'MTLD', digits: 1 },
      { key: 'readability_grade', label: 'Readability (school grade)', short: 'grade', digits: 1 },
      { key: 'spelling_error_rate', label: 'Spelling errors per 100 words', digits: 1 },
    ],
  },
  result: {
    event: ProcessingEvent.ESSAY_NLP_RESULT_RECEIVED,
    data: TextMetricsResultDataV1Schema,
    outcome(d) {
      const essayId = d.entity_ref.entity_id;
      if (d.status === EssayStatus.NLP_SUCCESS) {
        if (!d.metrics)
          throw new InvalidPayloadError('a successful result must carry the metrics', [
            'data.metrics: required',
          ]);
        return { essayId, ok: true, result: { ...d.metrics } };
      }
      return failedOutcome(essayId, d);
    },
  },
});

/** The text metrics an essay's phase results hold, if the metrics phase ran for it. */
export function metricsResultOf(
  results: Readonly<Record<string, unknown>> | undefined,
): TextMetricsV1 | null {
  const parsed = TextMetricsV1Schema.safeParse(results?.metrics);
  return parsed.success ? parsed.data : null;
}
