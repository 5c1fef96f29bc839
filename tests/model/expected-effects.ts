import type { AnyMachineSnapshot } from 'xstate';
import { ProcessingEvent, topicName } from '../../common-core/index.ts';

/** An outbox row as the model compares it: where it goes and what it is. */
export interface EffectRow {
  topic: string;
  key: string;
  eventName: string;
}

type Action = { type: string; params?: unknown };

/** Each phase's per-essay request and the batch's command for it, written down from the contracts. */
const REQUEST_EVENTS: Record<string, ProcessingEvent> = {
  spellcheck: ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED,
  metrics: ProcessingEvent.ESSAY_NLP_REQUESTED,
};
const INITIATE_EVENTS: Record<string, ProcessingEvent> = {
  spellcheck: ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND,
  metrics: ProcessingEvent.BATCH_NLP_INITIATE_COMMAND,
};
type Params = Record<string, unknown>;

/**
 * What each named effect action of the machines must put in the outbox, written down apart from
 * the actor types' interpreters (actors/essay/essay-effects.ts, actors/batch/batch-effects.ts) so that the two are checked against each
 * other: an action the runtime drops, mis-keys or maps to another event fails the model suite.
 */
const OUTBOX_EFFECTS: Record<
  string,
  (p: Params) => { event: ProcessingEvent; key: string } | null
> = {
  requestPhaseWork: (p) => ({
    event: REQUEST_EVENTS[String(p.phase)] as ProcessingEvent,
    key: String(p.essayId),
  }),
  announceReady: (p) => ({ event: ProcessingEvent.BATCH_ESSAYS_READY, key: String(p.batchId) }),
  requestPhase: (p) => ({
    event: INITIATE_EVENTS[String(p.phase)] as ProcessingEvent,
    key: String(p.batchId),
  }),
  announceOutcome: (p) => ({
    event: ProcessingEvent.ELS_BATCH_PHASE_OUTCOME,
    key: String(p.batchId),
  }),
};
const TIMER_ACTIONS = new Set(['scheduleTimer', 'cancelTimer']);
const STATUS_EVENTS: Record<string, ProcessingEvent> = {
  essay: ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED,
  batch: ProcessingEvent.BATCH_LIFECYCLE_STATE_UPDATED,
};

const row = (event: ProcessingEvent, key: string): EffectRow => ({
  topic: topicName(event),
  key,
  eventName: event,
});

/**
 * The outbox rows one step must write, in order: the effects of the actions XState's
 * `transition()` returned, then the actor's status event when its state changed (`from` is null
 * for a new actor). Throws on an action type nobody mapped, so that a new effect cannot go
 * unchecked.
 */
export function expectedOutbox(
  actorType: string,
  actorId: string,
  actions: readonly Action[],
  from: string | null,
  to: string,
): EffectRow[] {
  const out: EffectRow[] = [];
  for (const action of actions) {
    const mapped = OUTBOX_EFFECTS[action.type];
    if (mapped) {
      const effect = mapped((action.params ?? {}) as Params);
      if (effect) out.push(row(effect.event, effect.key));
    } else if (!TIMER_ACTIONS.has(action.type) && !action.type.startsWith('xstate.')) {
      throw new Error(`model: no expected effect for action ${action.type}`);
    }
  }
  const status = STATUS_EVENTS[actorType];
  if (from !== to && status) out.push(row(status, actorId));
  return out;
}

/** The actor's armed timers after `actions` ran on `armed`: key -> the event it will send. */
export function armedAfter(
  armed: ReadonlyMap<string, unknown>,
  actions: readonly Action[],
): Map<string, unknown> {
  const next = new Map(armed);
  for (const action of actions) {
    const p = (action.params ?? {}) as { key?: string; event?: unknown };
    if (action.type === 'scheduleTimer') next.set(String(p.key), p.event);
    if (action.type === 'cancelTimer') next.delete(String(p.key));
  }
  return next;
}

/** The state value as the runtime records it (`String(snapshot.value)`). */
export const stateName = (s: AnyMachineSnapshot): string => String(s.value);
