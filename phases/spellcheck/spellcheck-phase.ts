import {
  BatchSpellcheckInitiateCommandV1Schema,
  EssayStatus,
  InvalidPayloadError,
  ProcessingEvent,
  SpellcheckResultDataV1Schema,
} from '../../common-core/index.ts';
import { failedOutcome, pendingUpdate } from '../phase-events.ts';
import { definePhase } from '../phase-module.ts';

/** What the spellcheck phase leaves on an essay. */
export interface SpellcheckResult {
  correctedTextStorageId: string;
  correctionsMade: number;
}

/**
 * Spell checking (the original platform's first phase): the essay's text goes to the spell
 * checker (`services/spellchecker`), which stores the corrected text and reports the count.
 */
export const SPELLCHECK_PHASE = definePhase({
  name: 'spellcheck',
  statuses: {
    awaiting: EssayStatus.AWAITING_SPELLCHECK,
    inProgress: EssayStatus.SPELLCHECKING_IN_PROGRESS,
    success: EssayStatus.SPELLCHECKED_SUCCESS,
    failed: EssayStatus.SPELLCHECK_FAILED,
  },
  initiate: {
    event: ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND,
    data: BatchSpellcheckInitiateCommandV1Schema,
    build: (i) => ({
      essays_to_process: i.essays,
      language: i.language,
      retry: i.retry,
      pipeline: i.pipeline,
    }),
  },
  request: {
    event: ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED,
    build(r, timestamp) {
      return {
        ...pendingUpdate(
          r,
          ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED,
          EssayStatus.AWAITING_SPELLCHECK,
          timestamp,
        ),
        text_storage_id: r.textStorageId,
        language: r.language,
      };
    },
  },
  result: {
    event: ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED,
    data: SpellcheckResultDataV1Schema,
    outcome(d) {
      const essayId = d.entity_ref.entity_id;
      if (d.status === EssayStatus.SPELLCHECKED_SUCCESS) {
        const corrected = d.storage_metadata?.references.corrected_text?.storage_id;
        if (!corrected)
          throw new InvalidPayloadError('a successful result must reference the corrected text', [
            'data.storage_metadata.references.corrected_text: required',
          ]);
        const result: SpellcheckResult = {
          correctedTextStorageId: corrected,
          correctionsMade: d.corrections_made ?? 0,
        };
        return { essayId, ok: true, result: { ...result } };
      }
      return failedOutcome(essayId, d);
    },
  },
});

/** The spellcheck result an essay's phase results hold, if it has one. */
export function spellcheckResultOf(
  results: Readonly<Record<string, unknown>> | undefined,
): SpellcheckResult | null {
  const r = results?.spellcheck as Partial<SpellcheckResult> | undefined;
  return typeof r?.correctedTextStorageId === 'string' && typeof r.correctionsMade === 'number'
    ? { correctedTextStorageId: r.correctedTextStorageId, correctionsMade: r.correctionsMade }
    : null;
}
