import type { MachineDefinition } from './definitions.ts';
import type { PersistedState } from './persistence.ts';

/**
 * A stored snapshot as the current machine version reads it: each migration from `version` on,
 * in order. Null when there is no path (a version newer than this build, or a missing step).
 */
export function upgradeSnapshot(
  definition: Pick<MachineDefinition, 'version' | 'migrations'>,
  snapshot: PersistedState,
  version: number,
): PersistedState | null {
  if (version > definition.version) return null;
  let state = snapshot;
  for (let v = version; v < definition.version; v++) {
    const migrate = definition.migrations[v];
    if (!migrate) return null;
    state = migrate(state);
  }
  return state;
}
