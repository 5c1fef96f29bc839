import { Counter, Histogram, type Registry } from 'prom-client';
import type { SpellcheckOutcome } from './process-message.ts';

/** Business metrics of the spell-checker worker (queue latency comes from the messaging layer). */
export function spellcheckerMetrics(registry: Registry): (outcome: SpellcheckOutcome) => void {
  const registers = [registry];
  const essays = new Counter({
    name: 'spellchecker_essays_total',
    help: 'Essays spell-checked, by outcome status',
    labelNames: ['status'],
    registers,
  });
  const failures = new Counter({
    name: 'spellchecker_essay_failures_total',
    help: 'Essays that got a spellcheck_failed result, by error code',
    labelNames: ['code'],
    registers,
  });
  const corrections = new Histogram({
    name: 'spellchecker_corrections_per_essay',
    help: 'Corrections made per successfully checked essay',
    buckets: [0, 1, 2, 5, 10, 20, 50, 100, 250],
    registers,
  });
  const duration = new Histogram({
    name: 'spellchecker_processing_duration_seconds',
    help: 'Fetch + check + store time per essay',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  return (outcome) => {
    essays.inc({ status: outcome.status });
    duration.observe(outcome.durationSeconds);
    if (outcome.correctionsMade !== null) corrections.observe(outcome.correctionsMade);
    if (outcome.errorCode) failures.inc({ code: outcome.errorCode });
  };
}
