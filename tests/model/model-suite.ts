import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, transition } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import type { ActorRuntime, SnapshotCache } from '../../actors/runtime/index.ts';
import type { Database } from '../../db/index.ts';
import { testRuntime } from '../helpers/runtime.ts';
import { type MachineModel, MODELS } from './machine-models.ts';

type Path = ReturnType<typeof getShortestPaths>[number];

/**
 * Every shortest path extended by one accepted event: this reaches the transitions that lead back
 * to a state visited before (a retry), which simple paths never take.
 */
function oneStepFurther(model: MachineModel, shortest: readonly Path[]): Path[] {
  const out: Path[] = [];
  for (const p of shortest) {
    const last = p.steps[p.steps.length - 1]?.state as AnyMachineSnapshot | undefined;
    if (!last) continue;
    for (const event of model.events) {
      if (!last.can(event)) continue;
      const [next] = transition(model.machine, last, event);
      out.push({ ...p, state: next, steps: [...p.steps, { state: next, event }] } as Path);
    }
  }
  return out;
}

/** Shortest paths to every state, each extended by one event, plus every simple path, without repeats. */
export function pathsOf(model: MachineModel): { shortest: number; simple: number; paths: Path[] } {
  const options = { events: model.events as never, input: model.input as never };
  const shortest = getShortestPaths(model.machine, options);
  const simple = getSimplePaths(model.machine, options);
  const seen = new Set<string>();
  const paths: Path[] = [];
  for (const p of [...shortest, ...oneStepFurther(model, shortest), ...simple]) {
    const key = JSON.stringify(p.steps.map((s) => s.event));
    if (seen.has(key)) continue;
    seen.add(key);
    paths.push(p);
  }
  return { shortest: shortest.length, simple: simple.length, paths };
}

/** The (source state, event type, target state) transitions a machine defines, guarded branches apart. */
export function definedTransitions(model: MachineModel): Set<string> {
  const out = new Set<string>();
  for (const [name, node] of Object.entries(model.machine.root.states)) {
    for (const [eventType, branches] of node.transitions) {
      for (const t of branches) out.add(`${name} + ${eventType} -> ${t.target?.[0]?.key ?? name}`);
    }
  }
  return out;
}

/** The (source state, event type, target state) transitions the paths take (accepted events only). */
export function exercisedTransitions(paths: readonly Path[]): Set<string> {
  const out = new Set<string>();
  for (const path of paths) {
    for (let i = 1; i < path.steps.length; i++) {
      const before = path.steps[i - 1]?.state as AnyMachineSnapshot;
      const step = path.steps[i];
      if (step && before.can(step.event)) {
        out.add(
          `${String(before.value)} + ${step.event.type} -> ${String((step.state as AnyMachineSnapshot).value)}`,
        );
      }
    }
  }
  return out;
}

/**
 * Model-based tests generated from the machine definitions: every path runs against the pure
 * machine (xstate/graph computed it) and through the durable runtime, evicting the actor and
 * rehydrating it from the database after every step; both must agree on state and context.
 */
export function modelSuite(databaseUrl: () => string): void {
  for (const model of MODELS) {
    describe(`${model.actorType} machine, model-based`, () => {
      const { shortest, simple, paths } = pathsOf(model);
      let runtime: ActorRuntime;
      let cache: SnapshotCache;
      let database: Database;
      beforeAll(async () => {
        ({ runtime, cache, database } = await testRuntime(databaseUrl()));
      }, 60_000);
      afterAll(async () => {
        await database?.close();
      });

      it('covers every defined transition with a generated path', () => {
        const defined = definedTransitions(model);
        const exercised = exercisedTransitions(paths);
        expect(
          [...defined].filter((t) => !exercised.has(t)),
          'transitions no path exercises',
        ).toEqual([]);
        expect(
          [...exercised].filter((t) => !defined.has(t)),
          'exercised but not defined',
        ).toEqual([]);
        console.log(
          `${model.actorType}: ${shortest} shortest + ${simple} simple paths (${paths.length} distinct), ${paths.reduce((n, p) => n + p.steps.length - 1, 0)} steps, ${exercised.size}/${defined.size} transitions covered`,
        );
      });

      it(`replays ${paths.length} paths through the runtime with eviction after every step`, async () => {
        for (const path of paths) {
          const actorId = `${model.actorType}-${randomUUID()}`;
          for (let i = 1; i < path.steps.length; i++) {
            const step = path.steps[i] as Path['steps'][number];
            await runtime.process([
              {
                actorType: model.actorType,
                actorId,
                eventId: `${actorId}-${i}`,
                event: step.event as { type: string },
                createWith: { ...model.input },
              },
            ]);
            cache.clear(); // evict: the next step rehydrates from the database
            const stored = await runtime.read(model.actorType, actorId);
            const expected = step.state as AnyMachineSnapshot;
            const label = `${path.steps
              .map((s) => s.event.type)
              .slice(1, i + 1)
              .join(' -> ')}`;
            expect(stored?.snapshot.value, label).toEqual(expected.value);
            expect(stored?.snapshot.context, label).toEqual(expected.context);
            expect(stored?.snapshot.status, label).toBe(expected.status);
          }
        }
      }, 120_000);
    });
  }
}
