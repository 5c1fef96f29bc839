import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { ActorRuntime, SnapshotCache } from '../../actors/runtime/index.ts';
import { type Database, rows } from '../../db/index.ts';
import { testRuntime } from '../helpers/runtime.ts';
import { armedAfter, expectedOutbox, stateName } from './expected-effects.ts';
import { type MachineModel, MODELS } from './machine-models.ts';

type Path = ReturnType<typeof getShortestPaths>[number];

/**
 * Every shortest path extended by one accepted event: this reaches the transitions that lead back
 * to a state visited before (a retry), which shortest paths never take.
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

/** The path with its states recomputed by the pure machine from its events. */
function replayed(model: MachineModel, path: Path): Path {
  let [state] = initialTransition(model.machine, model.input);
  const steps = path.steps.map((step, i) => {
    if (i > 0) [state] = transition(model.machine, state, step.event);
    return { ...step, state };
  });
  return { ...path, state, steps } as Path;
}

/**
 * Shortest paths to every state (as `model.serialize` tells them apart), each extended by every
 * event it accepts, without repeats. Simple paths are left out: with two phases there are
 * thousands (essay: 5,767 paths of 60,868 steps), and these already take every transition (a
 * test checks it).
 */
export function pathsOf(model: MachineModel): { shortest: number; paths: Path[] } {
  const options = {
    events: model.events as never,
    input: model.input as never,
    serializeState: model.serialize as never,
  };
  // A path's states are those of its serialized states' first representatives: recomputed here
  // from its events, so that each is the state these events reach.
  const shortest = getShortestPaths(model.machine, options).map((p) => replayed(model, p));
  const seen = new Set<string>();
  const paths: Path[] = [];
  for (const p of [...shortest, ...oneStepFurther(model, shortest)]) {
    const key = JSON.stringify(p.steps.map((s) => s.event));
    if (seen.has(key)) continue;
    seen.add(key);
    paths.push(p);
  }
  return { shortest: shortest.length, paths };
}

/** A transition named by its branch: guarded branches to the same target are told apart. */
function branchName(source: string, eventType: string, index: number, target: string): string {
  return `${source} + ${eventType} [${index}] -> ${target}`;
}

/** Every transition branch a machine defines: (source state, event type, branch index, target). */
export function definedTransitions(model: MachineModel): Set<string> {
  const out = new Set<string>();
  for (const [name, node] of Object.entries(model.machine.root.states)) {
    for (const [eventType, branches] of node.transitions) {
      branches.forEach((t, i) => {
        out.add(branchName(name, eventType, i, t.target?.[0]?.key ?? name));
      });
    }
  }
  return out;
}

/** The transition branches the paths take (accepted events only), found by what XState selects. */
export function exercisedTransitions(model: MachineModel, paths: readonly Path[]): Set<string> {
  const out = new Set<string>();
  for (const path of paths) {
    for (let i = 1; i < path.steps.length; i++) {
      const before = path.steps[i - 1]?.state as AnyMachineSnapshot;
      const step = path.steps[i];
      if (!step || !before.can(step.event)) continue;
      const source = String(before.value);
      const branches = model.machine.root.states[source]?.transitions.get(step.event.type) ?? [];
      for (const taken of model.machine.getTransitionData(before as never, step.event as never)) {
        const index = branches.indexOf(taken);
        out.add(
          branchName(
            source,
            step.event.type,
            index,
            String((step.state as AnyMachineSnapshot).value),
          ),
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
      const { shortest, paths } = pathsOf(model);
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
        const exercised = exercisedTransitions(model, paths);
        expect(
          [...defined].filter((t) => !exercised.has(t)),
          'transitions no path exercises',
        ).toEqual([]);
        expect(
          [...exercised].filter((t) => !defined.has(t)),
          'exercised but not defined',
        ).toEqual([]);
        console.log(
          `${model.actorType}: ${shortest} shortest paths, each one step further (${paths.length} distinct), ${paths.reduce((n, p) => n + p.steps.length - 1, 0)} steps, ${exercised.size}/${defined.size} transitions covered`,
        );
      });

      it(`replays ${paths.length} paths through the runtime with eviction after every step: state, context, outbox rows and timers agree with the machine`, async () => {
        const db = database.db;
        const outboxAfter = async (id: number) =>
          rows<{ id: number; topic: string; key: string; payload: string }>(
            await db.execute(
              sql`select id::int as id, topic, key, payload from outbox where id > ${id} order by id`,
            ),
          );
        const armedTimers = async (actorId: string) =>
          new Map(
            rows<{ timer_key: string; event: unknown }>(
              await db.execute(
                sql`select timer_key, event from timers where actor_type = ${model.actorType} and actor_id = ${actorId} and fired_at is null`,
              ),
            ).map((t) => [t.timer_key, t.event]),
          );
        let lastOutboxId = (await outboxAfter(0)).reduce((m, r) => Math.max(m, r.id), 0);
        const allEffectIds = new Set<string>();
        for (const path of paths) {
          const actorId = `${model.actorType}-${randomUUID()}`;
          const input = { ...model.input };
          let armed = new Map<string, unknown>();
          for (let i = 1; i < path.steps.length; i++) {
            const step = path.steps[i] as Path['steps'][number];
            const label = `${path.steps
              .map((s) => s.event.type)
              .slice(1, i + 1)
              .join(' -> ')}`;
            // What XState's pure transition() says this step does: a new actor runs its entry
            // actions first, then the event's.
            const before = path.steps[i - 1]?.state as AnyMachineSnapshot;
            const [initial, entryActions] =
              i === 1 ? initialTransition(model.machine, input) : [before, []];
            const [, stepActions] = transition(model.machine, initial, step.event);
            const actions = [...entryActions, ...stepActions];
            await runtime.process([
              {
                actorType: model.actorType,
                actorId,
                eventId: `${actorId}-${i}`,
                event: step.event as { type: string },
                createWith: input,
              },
            ]);
            cache.clear(); // evict: the next step rehydrates from the database
            const stored = await runtime.read(model.actorType, actorId);
            const expected = step.state as AnyMachineSnapshot;
            expect(stored?.snapshot.value, label).toEqual(expected.value);
            expect(stored?.snapshot.context, label).toEqual(expected.context);
            expect(stored?.snapshot.status, label).toBe(expected.status);

            const written = await outboxAfter(lastOutboxId);
            lastOutboxId = written.reduce((m, r) => Math.max(m, r.id), lastOutboxId);
            expect(
              written.map((r) => ({
                topic: r.topic,
                key: r.key,
                eventName: (JSON.parse(r.payload) as { data: { event_name: string } }).data
                  .event_name,
              })),
              `${label}: outbox rows (topic, key, event) of the actions transition() returned`,
            ).toEqual(
              expectedOutbox(
                model.actorType,
                actorId,
                actions,
                i === 1 ? null : stateName(before),
                stateName(expected),
              ),
            );
            for (const r of written) {
              const id = (JSON.parse(r.payload) as { event_id: string }).event_id;
              expect(allEffectIds.has(id), `${label}: effect id ${id} used once`).toBe(false);
              allEffectIds.add(id);
            }
            armed = armedAfter(armed, actions);
            expect(
              await armedTimers(actorId),
              `${label}: timers armed after the step (set and cancelled as the actions say)`,
            ).toEqual(armed);
          }
        }
      }, 120_000);
    });
  }
}
