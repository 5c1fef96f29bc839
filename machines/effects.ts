/**
 * Effects the machines ask for. They are named actions with parameters: the machines stay pure
 * and the actor runtime interprets each one (outbox rows, durable timers).
 */

/** Arm (or re-arm) the actor's durable timer `key`: after `delayMs`, `event` is delivered. */
export interface ScheduleTimerParams {
  key: string;
  delayMs: number;
  event: { type: string } & Record<string, unknown>;
}

/** Disarm the actor's durable timer `key` (no-op when not armed). */
export interface CancelTimerParams {
  key: string;
}

/** Names of the effect actions every machine may use, and their parameters. */
export interface CoreEffects {
  scheduleTimer: ScheduleTimerParams;
  cancelTimer: CancelTimerParams;
}

/** A no-op implementation: the machine only records that the effect was requested. */
export function recordOnly(): void {}
