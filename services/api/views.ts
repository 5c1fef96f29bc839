import {
  BatchStatus,
  CONCLUDED_BATCH_STATUSES,
  CONCLUDED_ESSAY_STATUSES,
  EssayStatus,
} from '../../common-core/index.ts';
import type { PhaseResult } from '../../phases/index.ts';
import { spellcheckResultOf } from '../../phases/spellcheck/spellcheck-phase.ts';
import type { BatchRecord, EssayRecord } from './batch-registry.ts';

/** What the lifecycle knows of an actor (absent until its first event is processed). */
export interface ActorState {
  status: string;
  context: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface EssaySummary {
  essay_id: string;
  name: string;
  status: string;
  corrections_made: number | null;
  /** What each phase the essay passed left on it, by phase (e.g. `metrics`: its text metrics). */
  results: Record<string, PhaseResult>;
  error: { code: string; message: string } | null;
  created_at: string;
  updated_at: string;
}

export interface BatchView {
  batch_id: string;
  status: string;
  /**
   * True once nothing more will change unless the teacher retries: the batch's pipeline and
   * every essay's have concluded (or the batch was cancelled).
   */
  done: boolean;
  course_code: string | null;
  language: string;
  pipeline: string[];
  created_at: string;
  updated_at: string;
  essay_count: number;
  counts: Record<string, number>;
  completion_percentage: number;
  essays: EssaySummary[];
  status_url: string;
  events_url: string;
}

/** Links a client follows for a batch. */
export const batchUrls = (batchId: string) => ({
  status_url: `/v1/batches/${batchId}`,
  events_url: `/v1/batches/${batchId}/events`,
});

function essaySummary(
  record: EssayRecord,
  state: ActorState | undefined,
  submittedAt: string,
): EssaySummary {
  const ctx = state?.context ?? {};
  const corrections = spellcheckResultOf(
    ctx.results as Record<string, unknown> | undefined,
  )?.correctionsMade;
  const error = ctx.error as { code: string; message: string } | null | undefined;
  return {
    essay_id: record.essayId,
    name: record.name,
    // Not in the lifecycle yet: the text is stored and its events are on their way.
    status: state?.status ?? EssayStatus.UPLOADED,
    corrections_made: typeof corrections === 'number' ? corrections : null,
    results: (ctx.results as Record<string, PhaseResult> | undefined) ?? {},
    error: error ?? null,
    created_at: state?.createdAt ?? submittedAt,
    updated_at: state?.updatedAt ?? submittedAt,
  };
}

/** Whether a batch in this state, with these essay states, will change no more. */
export function isDone(batchStatus: string, essayStatuses: Iterable<string>): boolean {
  if (batchStatus === BatchStatus.CANCELLED) return true;
  if (!CONCLUDED_BATCH_STATUSES.has(batchStatus)) return false;
  for (const s of essayStatuses) if (!CONCLUDED_ESSAY_STATUSES.has(s)) return false;
  return true;
}

/** The batch as a teacher sees it: its status, counts per essay status and every essay. */
export function batchView(
  batch: BatchRecord,
  essays: readonly EssayRecord[],
  batchState: ActorState | undefined,
  essayStates: ReadonlyMap<string, ActorState>,
): BatchView {
  const summaries = essays.map((e) => essaySummary(e, essayStates.get(e.essayId), batch.createdAt));
  const counts: Record<string, number> = {};
  let final = 0;
  let updatedAt = batchState?.updatedAt ?? batch.createdAt;
  for (const s of summaries) {
    counts[s.status] = (counts[s.status] ?? 0) + 1;
    if (CONCLUDED_ESSAY_STATUSES.has(s.status)) final++;
    if (s.updated_at > updatedAt) updatedAt = s.updated_at;
  }
  const status = batchState?.status ?? BatchStatus.AWAITING_CONTENT_VALIDATION;
  return {
    batch_id: batch.batchId,
    status,
    done: isDone(
      status,
      summaries.map((s) => s.status),
    ),
    course_code: batch.courseCode,
    language: batch.language,
    pipeline: batch.pipeline,
    created_at: batch.createdAt,
    updated_at: updatedAt,
    essay_count: essays.length,
    counts,
    completion_percentage:
      essays.length === 0 ? 100 : Math.round((1000 * final) / essays.length) / 10,
    essays: summaries,
    ...batchUrls(batch.batchId),
  };
}
