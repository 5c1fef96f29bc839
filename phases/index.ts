// Public entry of the processing phases: what each phase is to the lifecycle (pure, no I/O).
import { HuleEduError } from '../common-core/index.ts';
import { METRICS_PHASE } from './metrics/metrics-phase.ts';
import type { PhaseModule } from './phase-module.ts';
import { SPELLCHECK_PHASE } from './spellcheck/spellcheck-phase.ts';

export * from './phase-module.ts';

/**
 * The registered phases: a new phase is one line here (and its folder, and its worker in
 * `services/`). A batch's pipeline lists some of them, in the order it wants them run.
 */
export const PHASES: readonly PhaseModule[] = [SPELLCHECK_PHASE, METRICS_PHASE];

/** The pipeline a batch runs when it names none: every registered phase, in order. */
export const DEFAULT_PIPELINE: readonly string[] = PHASES.map((p) => p.name);

/**
 * The registered phase of a name, for effects of machines built from the same list: a name
 * that is not registered is a programming error.
 */
export function requirePhase(name: string): PhaseModule {
  const phase = phaseNamed(name);
  if (!phase) throw new HuleEduError('HULEEDU_INTERNAL', `no registered phase ${name}`);
  return phase;
}

/** The phase of a name, or undefined. */
export function phaseNamed(name: string): PhaseModule | undefined {
  return PHASES.find((p) => p.name === name);
}

/** A phase's figures for one essay, as presented (`presentation`); null values are shown as such. */
export interface PresentedResult {
  phase: string;
  title: string;
  figures: {
    key: string;
    label: string;
    short?: string;
    value: number | string | null;
    shown: string;
  }[];
}

/** What each presented phase left on an essay, in pipeline order (phases without a result: none). */
export function presentResults(
  results: Readonly<Record<string, unknown>> | undefined,
): PresentedResult[] {
  const out: PresentedResult[] = [];
  for (const phase of PHASES) {
    const p = phase.presentation;
    const result = results?.[phase.name] as Record<string, unknown> | undefined;
    if (!p || !result || typeof result !== 'object') continue;
    out.push({
      phase: phase.name,
      title: p.title,
      figures: p.figures.map((f) => {
        const raw = result[f.key];
        const value = typeof raw === 'number' || typeof raw === 'string' ? raw : null;
        const shown =
          typeof value === 'number' ? value.toFixed(f.digits ?? 0) : value === null ? '–' : value;
        return { key: f.key, label: f.label, ...(f.short ? { short: f.short } : {}), value, shown };
      }),
    });
  }
  return out;
}

/** The figures in brief, for one-line summaries: "41 words, 4 sentences, 58.8 MTLD, 4.0 grade". */
export function briefFigures(results: Readonly<Record<string, unknown>> | undefined): string {
  return presentResults(results)
    .flatMap((r) => r.figures.filter((f) => f.short).map((f) => `${f.shown} ${f.short}`))
    .join(', ');
}

/** Every presented figure, in phase order: the CSV's extra columns, named by their keys. */
export function presentedColumns(): { phase: string; key: string }[] {
  return PHASES.flatMap((phase) =>
    (phase.presentation?.figures ?? []).map((f) => ({ phase: phase.name, key: f.key })),
  );
}
