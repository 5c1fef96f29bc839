import {
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
} from 'xstate';

export type StepActions = { type: string; params?: unknown }[];

/**
 * XState's pure `transition()` / `initialTransition()`, minus their per-call cost: each call
 * builds a throwaway actor (running the context factory) to get an inert scope, which made a
 * transition ~85 µs. Our machines spawn and invoke nothing, so one inert scope per machine can be
 * reused; actions are collected, never executed, exactly as `transition()` does.
 */
export class PureStepper {
  private collected: StepActions = [];
  private readonly scope: AnyActorScope;

  constructor(
    private readonly machine: AnyStateMachine,
    sampleInput: Record<string, unknown>,
  ) {
    const self = createActor(machine, { input: sampleInput });
    this.scope = {
      self,
      defer: () => {},
      id: '',
      logger: () => {},
      sessionId: '',
      stopChild: () => {},
      system: self.system,
      emit: () => {},
      actionExecutor: (action) => {
        this.collected.push(action as StepActions[number]);
      },
    } as AnyActorScope;
  }

  initial(input: Record<string, unknown>): [AnyMachineSnapshot, StepActions] {
    this.collected = [];
    const snapshot = this.machine.getInitialSnapshot(this.scope, input) as AnyMachineSnapshot;
    return [snapshot, this.collected];
  }

  step(snapshot: AnyMachineSnapshot, event: { type: string }): [AnyMachineSnapshot, StepActions] {
    this.collected = [];
    const next = this.machine.transition(snapshot, event, this.scope) as AnyMachineSnapshot;
    return [next, this.collected];
  }
}
