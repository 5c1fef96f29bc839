import { MACHINE_DEFINITIONS, type MachineDefinition } from '../../machines/index.ts';
import { BATCH_EFFECTS } from '../batch/batch-effects.ts';
import { BATCH_ROUTES } from '../batch/batch-routes.ts';
import { ESSAY_EFFECTS } from '../essay/essay-effects.ts';
import { ESSAY_ROUTES } from '../essay/essay-routes.ts';
import type { EffectInterpreter } from '../runtime/effect-interpreter.ts';
import type { TopicRoute } from './routing.ts';

/**
 * An actor type the lifecycle runs: its machine (with migrations), its effects, and its routes
 * (which topics it takes, and how an envelope becomes its actors' events).
 */
export interface ActorTypeModule {
  definition: MachineDefinition;
  effects: EffectInterpreter;
  routes: readonly TopicRoute[];
}

/**
 * The registered actor types: a new one is one line here (and its folder). The order is the
 * order of a message's deliveries when several types take its topic.
 */
export const ACTOR_TYPES: readonly ActorTypeModule[] = [
  { definition: MACHINE_DEFINITIONS.batch, effects: BATCH_EFFECTS, routes: BATCH_ROUTES },
  { definition: MACHINE_DEFINITIONS.essay, effects: ESSAY_EFFECTS, routes: ESSAY_ROUTES },
];

/** Each registered type's effect interpreter, by actor type (what `ActorRuntime` is given). */
export const ACTOR_EFFECTS: Readonly<Record<string, EffectInterpreter>> = Object.fromEntries(
  ACTOR_TYPES.map((t) => [t.definition.actorType, t.effects]),
);
