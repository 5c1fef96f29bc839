import type { AnyMachineSnapshot } from 'xstate';
import {
  type ActorRepository,
  type BatchWrite,
  DuplicateEvent,
  emptyBatchWrite,
  type SnapshotRow,
  VersionConflict,
} from '../../db/index.ts';
import type { MachineDefinition, PersistedState } from '../../machines/index.ts';
import { upgradeSnapshot } from '../../machines/upgrade-snapshot.ts';
import { causedId, type EffectInterpreter, interpretEffects } from './effect-interpreter.ts';
import { PureStepper } from './pure-stepper.ts';
import { ActorFencedError, UnknownMachineVersionError } from './runtime-errors.ts';
import type { RuntimeMetrics } from './runtime-metrics.ts';
import type { ObservedSnapshot, ObservedStep, RuntimeObserver } from './runtime-observer.ts';
import type { SnapshotCache } from './snapshot-cache.ts';
import type { Delivery, ProcessResult } from './types.ts';

export interface ActorRuntimeDeps {
  repository: ActorRepository;
  definitions: Readonly<Record<string, MachineDefinition>>;
  /** Each actor type's effect interpreter (what its recorded actions and state changes emit). */
  effects: Readonly<Record<string, EffectInterpreter>>;
  cache: SnapshotCache;
  metrics?: RuntimeMetrics;
  now?: () => Date;
  /** Told of every committed step (the XState inspector bridge); none by default. */
  observer?: RuntimeObserver;
}

interface Working {
  key: string;
  actorType: string;
  actorId: string;
  definition: MachineDefinition;
  snapshot: AnyMachineSnapshot | undefined;
  /** Version read (0 = does not exist yet). */
  readVersion: number;
  version: number;
  dirty: boolean;
  /** Read from the database by this batch (not from the cache). */
  loaded?: boolean;
}

const keyOf = (actorType: string, actorId: string): string => `${actorType}|${actorId}`;

const NOTHING_DONE: ReadonlySet<string> = new Set();

function persisted(snapshot: AnyMachineSnapshot): PersistedState {
  return { value: String(snapshot.value), context: snapshot.context as Record<string, unknown> };
}

function observed(snapshot: AnyMachineSnapshot): ObservedSnapshot {
  return { ...persisted(snapshot), status: snapshot.status };
}

/** The state of a batch while its events are applied (`ActorRuntime.applyAll`). */
interface Applying {
  now: Date;
  /** `now` as ISO-8601, formatted once per batch. */
  timestamp: string;
  write: BatchWrite;
  /** The last operation on each timer key (`actor key|timer key`). */
  timerOps: Map<
    string,
    { set?: BatchWrite['timersSet'][number]; cancel?: BatchWrite['timersCancelled'][number] }
  >;
  result: ProcessResult;
  steps: ObservedStep[] | undefined;
  appeared: Set<Working> | undefined;
}

/**
 * The durable actor runtime. `process()` takes a batch of deliveries (in partition order),
 * applies each to its actor with XState's pure `transition()`, and writes everything —
 * snapshots (optimistic version check), journal (which records the processed event ids), outbox, timers — in ONE
 * transaction. A duplicate event id changes nothing. An event the state does not accept is
 * journaled as rejected and leaves the state unchanged. Batches sharing an actor run one after
 * the other in this host; other hosts are fenced by the version.
 */
export class ActorRuntime {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly now: () => Date;
  private readonly steppers = new Map<string, PureStepper>();

  constructor(private readonly deps: ActorRuntimeDeps) {
    this.now = deps.now ?? (() => new Date());
    for (const [type, def] of Object.entries(deps.definitions)) {
      if (!deps.effects[type]) throw new Error(`actor type '${type}' has no effect interpreter`);
      this.steppers.set(type, new PureStepper(def.machine, def.sampleInput));
    }
  }

  /**
   * Batches that touch disjoint actors run concurrently (so one batch's JavaScript overlaps
   * another's database round trip); a batch waits for any in-flight batch that shares an actor,
   * so this host never races itself on a cached actor.
   */
  async process(deliveries: readonly Delivery[]): Promise<ProcessResult> {
    // Each delivery's actor key, built once: the same string object is then hashed once however
    // many maps it is looked up in.
    const actorKeys = deliveries.map((d) => keyOf(d.actorType, d.actorId));
    const keys = [...new Set(actorKeys)];
    for (;;) {
      const busy = keys
        .map((k) => this.inFlight.get(k))
        .filter((p): p is Promise<unknown> => p !== undefined);
      if (busy.length === 0) break;
      await Promise.allSettled(busy);
    }
    const run = this.processNow(deliveries, actorKeys, false).catch((error: unknown) => {
      // Rare: an event was applied before (a redelivery after a lost offset commit). Re-run
      // with the deduplication pre-check against the database.
      if (error instanceof DuplicateEvent) return this.processNow(deliveries, actorKeys, true);
      throw error;
    });
    const settled = run.catch(() => {});
    for (const k of keys) this.inFlight.set(k, settled);
    try {
      return await run;
    } finally {
      for (const k of keys) if (this.inFlight.get(k) === settled) this.inFlight.delete(k);
    }
  }

  /** The current state of an actor (from memory or the database), or undefined. */
  async read(
    actorType: string,
    actorId: string,
  ): Promise<{ snapshot: AnyMachineSnapshot; version: number } | undefined> {
    const cached = this.deps.cache.get(keyOf(actorType, actorId));
    if (cached) return cached;
    const [row] = await this.deps.repository.loadSnapshots([{ actorType, actorId }]);
    if (!row) return undefined;
    return { snapshot: this.restore(row), version: row.version };
  }

  private restore(row: SnapshotRow): AnyMachineSnapshot {
    const definition = this.deps.definitions[row.actorType];
    if (!definition)
      throw new UnknownMachineVersionError(row.actorType, row.actorId, row.machineVersion, 0);
    const state = upgradeSnapshot(definition, row.snapshot as PersistedState, row.machineVersion);
    if (!state)
      throw new UnknownMachineVersionError(
        row.actorType,
        row.actorId,
        row.machineVersion,
        definition.version,
      );
    return definition.machine.resolveState({ value: state.value, context: state.context });
  }

  /**
   * One batch, in four steps: drop the duplicates, load the actors not in memory, apply the
   * events with the pure transition function, then write everything in one transaction.
   * @param precheck look up already-applied event ids first. Without it (the fast path), a
   *   duplicate is caught by the journal's unique (actor, event id) index and the whole
   *   transaction rolls back with DuplicateEvent.
   */
  private async processNow(
    deliveries: readonly Delivery[],
    actorKeys: readonly string[],
    precheck: boolean,
  ): Promise<ProcessResult> {
    const started = performance.now();
    const result: ProcessResult = {
      applied: 0,
      rejected: 0,
      duplicates: 0,
      stateChanges: [],
      unknownActors: [],
    };
    if (deliveries.length === 0) return result;
    const fresh = await this.dropDuplicates(deliveries, actorKeys, precheck, result);
    const working = await this.loadActors(fresh);
    const batch = this.applyAll(fresh, working, result);
    await this.commit(batch.write, working);
    const { cache, metrics } = this.deps;
    for (const w of working.values())
      if (w.snapshot && w.version > 0) cache.set(w.key, w.snapshot, w.version);
    metrics?.activeActors.set(cache.size);
    metrics?.batchDuration.observe((performance.now() - started) / 1000);
    if (batch.steps && batch.steps.length > 0) this.deps.observer?.committed(batch.steps);
    return result;
  }

  /**
   * 1. The deliveries not seen before in this batch and (on the re-run after a DuplicateEvent)
   * not already applied, each with its actor key. No look-up otherwise, not even for actors read
   * from the database: most of those are new actors, and a redelivered event (after a restart)
   * is caught by the journal's key anyway, at the cost of one rolled-back attempt.
   */
  private async dropDuplicates(
    deliveries: readonly Delivery[],
    actorKeys: readonly string[],
    precheck: boolean,
    result: ProcessResult,
  ): Promise<{ delivery: Delivery; key: string }[]> {
    const done = precheck ? await this.deps.repository.processedAmong(deliveries) : NOTHING_DONE;
    const seen = new Set<string>();
    const fresh: { delivery: Delivery; key: string }[] = [];
    deliveries.forEach((d, i) => {
      const k = `${d.actorType}|${d.actorId}|${d.eventId}`;
      if (done.has(k) || seen.has(k)) {
        result.duplicates++;
        this.deps.metrics?.duplicates.inc({ actor_type: d.actorType });
        return;
      }
      seen.add(k);
      fresh.push({ delivery: d, key: actorKeys[i] as string });
    });
    return fresh;
  }

  /** 2. The batch's actors: from memory, else from the database in one query (or new). */
  private async loadActors(
    fresh: readonly { delivery: Delivery; key: string }[],
  ): Promise<Map<string, Working>> {
    const { cache, repository } = this.deps;
    const working = new Map<string, Working>();
    const toLoad: { actorType: string; actorId: string }[] = [];
    for (const { delivery: d, key } of fresh) {
      if (working.has(key)) continue;
      const definition = this.deps.definitions[d.actorType];
      if (!definition) throw new UnknownMachineVersionError(d.actorType, d.actorId, 0, 0);
      // Not marked used yet: `cache.set` after the commit does that, once.
      const cached = cache.peek(key);
      working.set(key, {
        key,
        actorType: d.actorType,
        actorId: d.actorId,
        definition,
        snapshot: cached?.snapshot,
        readVersion: cached?.version ?? 0,
        version: cached?.version ?? 0,
        dirty: false,
      });
      if (!cached) toLoad.push({ actorType: d.actorType, actorId: d.actorId });
    }
    for (const row of await repository.loadSnapshots(toLoad)) {
      const w = working.get(keyOf(row.actorType, row.actorId));
      if (!w) continue;
      w.snapshot = this.restore(row);
      w.loaded = true;
      w.readVersion = row.version;
      w.version = row.version;
    }
    return working;
  }

  /**
   * 3. Every event applied in order with the pure transition function: the batch's write
   * (journal, outbox, timers, snapshots) and, with an observer, the steps to report after the
   * commit.
   */
  private applyAll(
    fresh: readonly { delivery: Delivery; key: string }[],
    working: ReadonlyMap<string, Working>,
    result: ProcessResult,
  ): { write: BatchWrite; steps: ObservedStep[] | undefined } {
    const now = this.now();
    const batch: Applying = {
      now,
      timestamp: now.toISOString(),
      write: emptyBatchWrite(),
      timerOps: new Map(),
      result,
      // Only with an observer: the steps to report after the commit, and the actors seen so far.
      steps: this.deps.observer ? [] : undefined,
      appeared: this.deps.observer ? new Set<Working>() : undefined,
    };
    for (const { delivery, key } of fresh) this.apply(delivery, working.get(key) as Working, batch);
    const { write } = batch;
    // Only the last operation on a timer key counts (set then cancel = cancel).
    for (const op of batch.timerOps.values()) {
      if (op.set) write.timersSet.push(op.set);
      if (op.cancel) write.timersCancelled.push(op.cancel);
    }
    for (const w of working.values()) {
      if (!w.dirty || !w.snapshot) continue;
      const row = {
        actorType: w.actorType,
        actorId: w.actorId,
        machineId: w.definition.id,
        machineVersion: w.definition.version,
        snapshot: persisted(w.snapshot),
        version: w.version,
        status: String(w.snapshot.value),
      };
      if (w.readVersion === 0) write.inserts.push(row);
      else write.updates.push({ ...row, expectedVersion: w.readVersion });
    }
    return { write, steps: batch.steps };
  }

  /**
   * One event on its actor (created first when it does not exist and the delivery says how):
   * rejected and journaled as such when the machine cannot take it; else stepped, journaled,
   * and its effects and state change interpreted into the batch's write.
   */
  private apply(delivery: Delivery, w: Working, batch: Applying): void {
    // A timer's event was stored when it was armed, perhaps by an older machine version.
    const upgrade = w.definition.upgradeTimerEvent;
    const d =
      delivery.firedTimer && upgrade ? { ...delivery, event: upgrade(delivery.event) } : delivery;
    const { write, result, timerOps, now } = batch;
    const metrics = this.deps.metrics;
    const cause = {
      actorType: d.actorType,
      actorId: d.actorId,
      eventId: d.eventId,
      correlationId: d.correlationId ?? null,
      now,
      timestamp: batch.timestamp,
    };
    if (d.firedTimer)
      write.timersFired.push({ actorType: d.actorType, actorId: d.actorId, ...d.firedTimer });
    let effects: readonly { type: string; params?: unknown }[] = [];
    let created = false;
    if (!w.snapshot && d.createWith) {
      created = true;
      const [initial, initActions] = (this.steppers.get(d.actorType) as PureStepper).initial(
        d.createWith,
      );
      w.snapshot = initial;
      effects = initActions;
      w.dirty = true;
    }
    const before = w.snapshot;
    if (!before) {
      // No such actor and nothing to create it from: counted, not journaled (no timeline); the
      // caller dead-letters it, so that it leaves a trace.
      result.rejected++;
      result.unknownActors.push(d);
      metrics?.rejected.inc({ actor_type: d.actorType, event: d.event.type });
      return;
    }
    const from = created ? null : String(before.value);
    // An actor appears to the observer when created, or when read from the database; one
    // from the cache was reported before.
    let first: ObservedStep['appeared'];
    if (batch.appeared && !batch.appeared.has(w) && (created || w.loaded)) {
      batch.appeared.add(w);
      first = { how: created ? 'created' : 'loaded', snapshot: observed(before) };
    }
    // Every event, taken or refused, is journaled (and reported to an observer) as one step.
    const record = (rejected: boolean, after: AnyMachineSnapshot) => {
      batch.steps?.push({
        actorType: d.actorType,
        actorId: d.actorId,
        definition: w.definition,
        ...(first ? { appeared: first } : {}),
        event: d.event,
        rejected,
        snapshot: observed(after),
      });
      write.journal.push({
        actorType: d.actorType,
        actorId: d.actorId,
        seq: w.version,
        eventId: d.eventId,
        eventType: d.event.type,
        fromState: from,
        toState: String(after.value),
        rejected,
      });
    };
    w.version++;
    w.dirty = true;
    if (before.status !== 'active' || !before.can(d.event)) {
      record(true, before);
      result.rejected++;
      metrics?.rejected.inc({ actor_type: d.actorType, event: d.event.type });
      return;
    }
    const [next, actions] = (this.steppers.get(d.actorType) as PureStepper).step(before, d.event);
    w.snapshot = next;
    record(false, next);
    const to = String(next.value);
    result.applied++;
    metrics?.transitions.inc({ actor_type: d.actorType, event: d.event.type });
    const interpreter = this.deps.effects[d.actorType] as EffectInterpreter;
    const interpreted = interpretEffects([...effects, ...actions], cause, interpreter);
    write.outbox.push(...interpreted.outbox);
    for (const t of interpreted.timersSet) {
      timerOps.set(`${w.key}|${t.key}`, {
        set: {
          actorType: d.actorType,
          actorId: d.actorId,
          timerKey: t.key,
          seq: w.version,
          dueAt: new Date(now.getTime() + t.delayMs),
          event: t.event,
        },
      });
    }
    for (const t of interpreted.timersCancelled) {
      timerOps.set(`${w.key}|${t.key}`, {
        cancel: { actorType: d.actorType, actorId: d.actorId, timerKey: t.key },
      });
    }
    if (from !== to) {
      result.stateChanges.push({ actorType: d.actorType, actorId: d.actorId, from, to });
      const announced = interpreter.stateChanged?.(
        { actorId: d.actorId, context: next.context, from, to },
        cause,
        causedId(cause, `status-${write.journal.length}`),
      );
      if (announced) write.outbox.push(announced);
    }
  }

  /** 4. One transaction; on a version conflict nothing is written and the batch is retried. */
  private async commit(write: BatchWrite, working: ReadonlyMap<string, Working>): Promise<void> {
    try {
      await this.deps.repository.writeBatch(write);
    } catch (error) {
      for (const w of working.values()) this.deps.cache.delete(w.key);
      if (error instanceof DuplicateEvent) throw error;
      if (error instanceof VersionConflict) {
        this.deps.metrics?.fenced.inc();
        throw new ActorFencedError(error.actors);
      }
      throw error;
    }
  }
}
