import type { AnyMachineSnapshot } from 'xstate';
import type { MachineDefinition, PersistedState } from '../../machines/index.ts';

/** A snapshot as persisted, with XState's status of the actor (active, done, …). */
export type ObservedSnapshot = PersistedState & { status: AnyMachineSnapshot['status'] };

/** One event applied (or refused) to one actor, as committed. */
export interface ObservedStep {
  actorType: string;
  actorId: string;
  definition: MachineDefinition;
  /**
   * The actor's state when it appeared to this runtime: on its creation (the initial state) or
   * when it was read from the database (not from the cache). Undefined for later steps.
   */
  appeared?: { how: 'created' | 'loaded'; snapshot: ObservedSnapshot };
  event: { type: string; [key: string]: unknown };
  /** The event was refused: the state did not accept it (the snapshot is unchanged). */
  rejected: boolean;
  /** The state after the event: what was persisted for it. */
  snapshot: ObservedSnapshot;
}

/**
 * Told of every step the runtime commits, after the commit (so what it sees is what was
 * persisted; a rolled-back batch is never reported). It must not throw and must not block:
 * the runtime calls it synchronously on its hot path. Costs nothing when not set.
 */
export interface RuntimeObserver {
  committed(steps: readonly ObservedStep[]): void;
}
