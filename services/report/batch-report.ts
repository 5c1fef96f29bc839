import { type PresentedResult, presentResults } from '../../phases/index.ts';
import { correctionsBetween, type TextCorrection } from '../api/corrections.ts';
import { isConfusedPair } from '../spellchecker/spelling/confusion-sets.ts';

/**
 * What a correction did, for a teacher: a misspelling, a split or joined word, case, an
 * apostrophe, or a real word changed for the one its sentence calls for ("their" -> "there").
 */
export type CorrectionKind =
  | 'spelling'
  | 'split'
  | 'joined'
  | 'capitalisation'
  | 'apostrophe'
  | 'context';

export interface ReportCorrection extends TextCorrection {
  kind: CorrectionKind;
}

export interface EssayReport {
  name: string;
  essayId: string;
  status: string;
  /** The essay as submitted (null when it could not be read back). */
  text: string | null;
  corrections: ReportCorrection[];
  /** The figures of each phase that has some to show (text metrics), for the phases it passed. */
  figures: PresentedResult[];
  error: { code: string; message: string } | null;
}

/** A batch's corrections for its teacher: the model that every report format renders. */
export interface BatchReport {
  batchId: string;
  status: string;
  generatedAt: string;
  essays: EssayReport[];
  totals: { essays: number; corrected: number; failed: number; corrections: number };
}

/** The kind of one correction, from its two sides. */
export function correctionKind(original: string, replacement: string): CorrectionKind {
  const words = (s: string) => s.trim().split(/\s+/).filter(Boolean).length;
  if (original.toLowerCase() === replacement.toLowerCase()) return 'capitalisation';
  if (isConfusedPair(original, replacement)) return 'context';
  if (original.replace(/['’]/g, '') === replacement.replace(/['’]/g, '')) return 'apostrophe';
  if (words(original) < words(replacement)) return 'split';
  if (words(original) > words(replacement)) return 'joined';
  return 'spelling';
}

/** Essays are failed when they concluded without a corrected text. */
const SUCCEEDED = 'essay_all_processing_completed';

/**
 * The report of a batch from each essay's original and corrected text (corrections found by a
 * word diff, as the api's essay view does).
 */
export function buildBatchReport(
  batch: { batchId: string; status: string },
  essays: readonly {
    name: string;
    essayId: string;
    status: string;
    text: string | null;
    correctedText: string | null;
    /** What each phase left on the essay (its actor's `results`). */
    results?: Readonly<Record<string, unknown>>;
    error: { code: string; message: string } | null;
  }[],
  now: Date = new Date(),
): BatchReport {
  const out: EssayReport[] = essays.map((e) => ({
    name: e.name,
    essayId: e.essayId,
    status: e.status,
    text: e.text,
    error: e.error,
    figures: presentResults(e.results),
    corrections:
      e.text !== null && e.correctedText !== null
        ? correctionsBetween(e.text, e.correctedText).map((c) => ({
            ...c,
            kind: correctionKind(c.original, c.replacement),
          }))
        : [],
  }));
  return {
    batchId: batch.batchId,
    status: batch.status,
    generatedAt: now.toISOString(),
    essays: out,
    totals: {
      essays: out.length,
      corrected: out.filter((e) => e.status === SUCCEEDED).length,
      failed: out.filter((e) => e.status !== SUCCEEDED).length,
      corrections: out.reduce((n, e) => n + e.corrections.length, 0),
    },
  };
}
