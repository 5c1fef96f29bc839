import { derivedUuid } from '../../common-core/index.ts';
import type { OutboxRow } from '../../db/index.ts';
import type { CancelTimerParams, ScheduleTimerParams } from '../../machines/index.ts';

/** What one transition asks of the world, once interpreted. */
export interface InterpretedEffects {
  outbox: OutboxRow[];
  timersSet: ScheduleTimerParams[];
  timersCancelled: CancelTimerParams[];
}

/** The delivery that caused a transition: what the events it emits are derived from. */
export interface EffectCause {
  actorType: string;
  actorId: string;
  eventId: string;
  correlationId: string | null;
  now: Date;
  /** `now` as ISO-8601, formatted once per batch. */
  timestamp: string;
}

/** An action a machine recorded: its name and parameters. */
export interface RecordedAction {
  type: string;
  params?: unknown;
}

/**
 * What an actor type brings the runtime besides its machine: how the actions its machine
 * records, and its changes of state, become outbox rows. The runtime itself interprets only
 * the effects every machine shares (durable timers), and knows no actor type or event by name.
 */
export interface EffectInterpreter {
  /**
   * The outbox rows of one recorded action; none for an action it does not know (xstate's
   * built-ins). `nextEventId()` gives the id of each event it emits, in order: derived from
   * the cause, so a re-applied cause (after a crash) emits the same ids.
   */
  rows(action: RecordedAction, cause: EffectCause, nextEventId: () => string): readonly OutboxRow[];
  /** The row announcing a change of the actor's state, for a type that announces them. */
  stateChanged?(
    change: { actorId: string; context: unknown; from: string | null; to: string },
    cause: EffectCause,
    eventId: string,
  ): OutboxRow;
}

/** What an interpreter returns for an action it does not know (shared: no allocation). */
export const NO_ROWS: readonly OutboxRow[] = Object.freeze([]);

/**
 * The id of an event a cause emitted, told apart by `which` (its position, or `status-<n>`):
 * a re-applied cause yields the same ids.
 */
export function causedId(cause: EffectCause, which: number | string): string {
  return derivedUuid(cause.actorType, cause.actorId, cause.eventId, String(which));
}

/** Interprets the actions of one transition: timers here, the rest by the actor type's interpreter. */
export function interpretEffects(
  actions: readonly RecordedAction[],
  cause: EffectCause,
  interpreter: EffectInterpreter,
): InterpretedEffects {
  const out: InterpretedEffects = { outbox: [], timersSet: [], timersCancelled: [] };
  let n = 0;
  const nextEventId = () => causedId(cause, n++);
  for (const action of actions) {
    if (action.type === 'scheduleTimer') out.timersSet.push(action.params as ScheduleTimerParams);
    else if (action.type === 'cancelTimer')
      out.timersCancelled.push(action.params as CancelTimerParams);
    else for (const row of interpreter.rows(action, cause, nextEventId)) out.outbox.push(row);
  }
  return out;
}
