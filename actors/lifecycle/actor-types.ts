import { MACHINE_DEFINITIONS, type MachineDefinition } from '../../machines/index.ts';
import { BATCH_EFFECTS } from '../batch/batch-effects.ts';
import { ESSAY_EFFECTS } from '../essay/essay-effects.ts';
import type { EffectInterpreter } from '../runtime/effect-interpreter.ts';

/** An actor type the lifecycle runs: its machine (with migrations) and its effects. */
export interface ActorTypeModule {
  definition: MachineDefinition;
  effects: EffectInterpreter;
}

/** The registered actor types: a new one is one line here (and its folder). */
export const ACTOR_TYPES: readonly ActorTypeModule[] = [
  { definition: MACHINE_DEFINITIONS.essay, effects: ESSAY_EFFECTS },
  { definition: MACHINE_DEFINITIONS.batch, effects: BATCH_EFFECTS },
];

/** Each registered type's effect interpreter, by actor type (what `ActorRuntime` is given). */
export const ACTOR_EFFECTS: Readonly<Record<string, EffectInterpreter>> = Object.fromEntries(
  ACTOR_TYPES.map((t) => [t.definition.actorType, t.effects]),
);
