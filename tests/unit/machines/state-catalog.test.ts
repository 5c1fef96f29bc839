import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BatchStatus, EssayStatus } from '../../../common-core/index.ts';
import { MACHINE_DEFINITIONS, stateNames } from '../../../machines/index.ts';

interface CatalogEntry {
  id: string;
  version: number;
  states: string[];
}
const catalog = JSON.parse(
  readFileSync(new URL('../../../machines/state-catalog.json', import.meta.url), 'utf8'),
) as Record<string, CatalogEntry>;

describe('machine versions and persisted state names', () => {
  for (const def of Object.values(MACHINE_DEFINITIONS)) {
    it(`${def.actorType}: a state is never renamed or removed without a version bump and a migration`, () => {
      const recorded = catalog[def.actorType];
      expect(recorded, 'machines/state-catalog.json lacks this machine').toBeDefined();
      const current = stateNames(def.machine);
      const removed = (recorded?.states ?? []).filter((s) => !current.includes(s));
      if (def.version === recorded?.version) {
        expect(
          removed,
          `states removed or renamed without bumping ${def.actorType} version`,
        ).toEqual([]);
        expect(current, 'new states: add them to machines/state-catalog.json').toEqual(
          recorded.states,
        );
      } else {
        expect(def.version, 'versions only go up').toBeGreaterThan(recorded?.version ?? 0);
        for (let v = recorded?.version ?? 1; v < def.version; v++) {
          expect(def.migrations[v], `migration from version ${v} to ${v + 1}`).toBeTypeOf(
            'function',
          );
        }
        expect.fail(
          `update machines/state-catalog.json for ${def.actorType} version ${def.version}`,
        );
      }
    });
  }

  it('state names are the wire status values', () => {
    const essayValues = new Set<string>(Object.values(EssayStatus));
    for (const s of stateNames(MACHINE_DEFINITIONS.essay.machine))
      expect(essayValues.has(s), s).toBe(true);
    const batchValues = new Set<string>(Object.values(BatchStatus));
    for (const s of stateNames(MACHINE_DEFINITIONS.batch.machine))
      expect(batchValues.has(s), s).toBe(true);
  });
});
