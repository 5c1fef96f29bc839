// How a machine's snapshot is stored and upgraded: a leaf, so that a migration can name these
// types without importing the definitions that list it.

/** A persisted snapshot as stored: the state value and the context. */
export interface PersistedState {
  value: string;
  context: Record<string, unknown>;
}

/** Upgrades a snapshot written by an older machine version to the next version. */
export type SnapshotMigration = (snapshot: PersistedState) => PersistedState;
