import type { z } from 'zod';
import type { EssayProcessingRef, EssayStatus, ProcessingEvent } from '../common-core/index.ts';

/** What a phase leaves on an essay when it succeeds (kept in the essay's context, by phase). */
export type PhaseResult = Readonly<Record<string, string | number | null>>;

/** The four essay states of a phase: `EssayStatus` values, so they travel as the wire's statuses. */
export interface PhaseStatuses {
  awaiting: EssayStatus;
  inProgress: EssayStatus;
  success: EssayStatus;
  failed: EssayStatus;
}

/** One essay's request for a phase, as the essay actor asks for it. */
export interface PhaseRequest {
  phase: string;
  essayId: string;
  batchId: string | null;
  /** The text as provisioned. */
  textStorageId: string;
  language: string;
  correlationId: string | null;
  attempt: number;
  /** Results of the phases the essay passed before this one (e.g. the spellcheck's corrected text). */
  results: Readonly<Record<string, PhaseResult>>;
}

/** The batch's command that starts a phase for some of its essays. */
export interface PhaseInitiation {
  batchId: string;
  essays: EssayProcessingRef[];
  language: string;
  /** A teacher's retry of essays that failed a phase: only a retry restarts a failed essay. */
  retry: boolean;
  /** The batch's whole pipeline, so that an essay knows when its last phase is done. */
  pipeline: string[];
}

/** The initiate command's data, as every phase's command schema must decode it. */
export interface InitiateCommandData {
  batch_id: string;
  essays_to_process: EssayProcessingRef[];
  language: string;
  retry: boolean;
  pipeline?: string[] | undefined;
}

/** A result event read as one essay's outcome. */
export type PhaseOutcome = { essayId: string } & (
  | { ok: true; result: PhaseResult }
  | { ok: false; code: string; message: string }
);

/** One figure of a phase's result as a teacher reads it. */
export interface PresentedFigure {
  /** The key in the phase's result. */
  key: string;
  /** Its name in the teacher's report ("Words per sentence"). */
  label: string;
  /** Its name in one-line summaries ("words"), or none to leave it out of them. */
  short?: string;
  /** Decimals shown (default 0). */
  digits?: number;
}

/**
 * A processing phase as the lifecycle runs it: its essay states, the batch's command that starts
 * it, the request each essay sends to the phase's worker and the worker's result. Pure data and
 * functions over common-core: the essay machine is built from the registered phases, and the
 * actor types' routes and effects are derived from them (the worker lives in `services/`).
 */
export interface PhaseModule<
  I extends z.ZodType<InitiateCommandData> = z.ZodType<InitiateCommandData>,
  R extends z.ZodType = z.ZodType,
> {
  /** The name a batch's pipeline lists. */
  name: string;
  statuses: PhaseStatuses;
  initiate: {
    event: ProcessingEvent;
    data: I;
    /** The command's data (without `event_name`, `entity_ref`, `timestamp`, `batch_id`). */
    build(initiation: PhaseInitiation): Record<string, unknown>;
  };
  request: {
    event: ProcessingEvent;
    /** The request's data (without `event_name` and `timestamp`). */
    build(request: PhaseRequest, timestamp: string): Record<string, unknown>;
  };
  result: {
    event: ProcessingEvent;
    data: R;
    /** Throws `InvalidPayloadError` for a result that cannot be read (it is dead-lettered). */
    outcome(data: z.output<R>): PhaseOutcome;
  };
  /**
   * How its result reads in the teacher's report and the CLI, if it has figures to show (the
   * spellcheck's corrections are shown in the text instead).
   */
  presentation?: { title: string; figures: readonly PresentedFigure[] };
}

/** A phase with its schemas' types inferred (a list of phases mixes them). */
export function definePhase<I extends z.ZodType<InitiateCommandData>, R extends z.ZodType>(
  phase: PhaseModule<I, R>,
): PhaseModule {
  return phase as unknown as PhaseModule;
}
