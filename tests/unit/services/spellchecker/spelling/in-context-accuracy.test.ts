import { beforeAll, describe, expect, it } from 'vitest';
import { buildDevSet } from '../../../../../benchmarks/spelling-dev-set.ts';
import { scoreInContext } from '../../../../../benchmarks/spelling-in-context.ts';
import { SpellingEngine } from '../../../../../services/spellchecker/spelling/spelling-engine.ts';

let engine: SpellingEngine;
beforeAll(() => {
  engine = new SpellingEngine();
}, 30_000);

// The goals of issue 24 on the development half (`npm run bench:spell` reports both halves).
describe('spelling in context: accuracy on the development set', () => {
  it('fixes non-word and real-word errors with few false alarms', () => {
    const set = buildDevSet({ half: 'dev' });
    expect(set.length).toBeGreaterThan(5000);
    const score = scoreInContext(set, (s) => engine.check(s.text).corrections);
    expect(score.errors['non-word']).toBeGreaterThan(2000);
    expect(score.errors['real-word']).toBeGreaterThan(600);
    expect(score.nonWordFixed).toBeGreaterThanOrEqual(0.92);
    expect(score.realWordFixed).toBeGreaterThanOrEqual(0.72);
    expect(score.precision).toBeGreaterThanOrEqual(0.92);
    expect(score.falseAlarmsPer1000).toBeLessThanOrEqual(0.5);
  }, 60_000);

  it('is deterministic: the same seed gives the same set', () => {
    const a = buildDevSet({ half: 'check', seed: 7 }).slice(0, 300);
    const b = buildDevSet({ half: 'check', seed: 7 }).slice(0, 300);
    expect(a).toEqual(b);
    expect(a.some((s) => s.errors.length > 0)).toBe(true);
    for (const s of a) for (const e of s.errors) expect(s.text.slice(e.start, e.end)).toBe(e.wrong);
  });
});
