import type { AnyStateMachine } from 'xstate';
import { PHASES } from '../phases/index.ts';
import { BATCH_MACHINE_ID, BATCH_MACHINE_VERSION, batchMachine } from './batch/batch-machine.ts';
import { migrateBatchV1 } from './batch/migrate-batch-v1.ts';
import { migrateBatchV2 } from './batch/migrate-batch-v2.ts';
import {
  createEssayMachine,
  ESSAY_MACHINE_ID,
  ESSAY_MACHINE_VERSION,
} from './essay/essay-machine.ts';
import { migrateEssayV1, upgradeEssayTimerEventV1 } from './essay/migrate-essay-v1.ts';

import type { SnapshotMigration } from './persistence.ts';

export type { PersistedState, SnapshotMigration } from './persistence.ts';

/** What the runtime needs to know of a machine: identity, version, states, migrations. */
export interface MachineDefinition {
  /** The actor type this machine runs (the key the runtime and the registry use). */
  actorType: string;
  id: string;
  version: number;
  machine: AnyStateMachine;
  /** `migrations[v]` upgrades a snapshot of version v to v + 1. */
  migrations: Readonly<Record<number, SnapshotMigration>>;
  /**
   * Upgrades the event of a durable timer armed by an older version (timers store their event);
   * without it, timer events are taken as they were stored.
   */
  upgradeTimerEvent?: (event: { type: string } & Record<string, unknown>) => {
    type: string;
  } & Record<string, unknown>;
  /** Any valid input: used once to build the inert scope the runtime steps the machine in. */
  sampleInput: Record<string, unknown>;
}

/** Top-level state names of a machine (its state values; both machines are flat). */
export function stateNames(machine: AnyStateMachine): string[] {
  return Object.keys(machine.root.states);
}

/** The essay machine of the registered phases (`phases/index.ts`). */
export const essayMachine = createEssayMachine(PHASES);

export const MACHINE_DEFINITIONS: Readonly<Record<'essay' | 'batch', MachineDefinition>> = {
  essay: {
    actorType: 'essay',
    id: ESSAY_MACHINE_ID,
    version: ESSAY_MACHINE_VERSION,
    machine: essayMachine,
    sampleInput: { essayId: 'sample', textStorageId: 'sample' },
    migrations: { 1: migrateEssayV1 },
    upgradeTimerEvent: upgradeEssayTimerEventV1,
  },
  batch: {
    actorType: 'batch',
    id: BATCH_MACHINE_ID,
    version: BATCH_MACHINE_VERSION,
    machine: batchMachine,
    sampleInput: { batchId: 'sample' },
    migrations: { 1: migrateBatchV1, 2: migrateBatchV2 },
  },
};
