import type { AnyStateMachine } from 'xstate';

/** One transition of a chart: from a state, on an event, to a state (itself when internal). */
export interface ChartTransition {
  from: string;
  to: string;
  event: string;
  /** The guard's name, when the transition has one. */
  guard?: string;
}

/** A machine's chart as data: what `--format json` prints and the other formats draw. */
export interface MachineGraph {
  id: string;
  initial: string;
  states: { name: string; final: boolean }[];
  transitions: ChartTransition[];
}

/** A guard as written: its name, or for `and`/`or`/`not`, the combination (`lastResult && allFail`). */
function guardName(guard: unknown): string | undefined {
  if (guard === undefined) return undefined;
  if (typeof guard === 'string') return guard;
  const parts = (guard as { guards?: unknown }).guards;
  if (typeof guard === 'function' && Array.isArray(parts)) {
    const names = parts.map((g) => guardName(g) ?? 'guard');
    if (guard.name === 'and') return names.join(' && ');
    if (guard.name === 'or') return names.join(' || ');
    if (guard.name === 'not') return `!${names.join('')}`;
  }
  if (typeof guard === 'function') return guard.name || 'guard';
  const type = (guard as { type?: unknown }).type;
  return typeof type === 'string' ? type : 'guard';
}

/**
 * The chart of a flat machine, read from its definition: every top-level state (final ones
 * marked) and every transition in definition order, guarded alternatives included. Both
 * HuleEdu machines are flat; a nested state would be refused rather than drawn wrong.
 */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const states = Object.entries(machine.root.states);
  const transitions: ChartTransition[] = [];
  for (const [name, node] of states) {
    if (Object.keys(node.states).length > 0)
      throw new Error(`machineGraph: ${machine.id}.${name} has child states; only flat machines`);
    for (const [event, definitions] of node.transitions)
      for (const d of definitions) {
        const guard = guardName(d.guard);
        const targets = d.target?.map((t) => t.key) ?? [name];
        for (const to of targets)
          transitions.push({ from: name, to, event, ...(guard ? { guard } : {}) });
      }
  }
  const initial = machine.root.initial?.target?.[0]?.key;
  if (!initial) throw new Error(`machineGraph: ${machine.id} has no initial state`);
  return {
    id: machine.id,
    initial,
    states: states.map(([name, node]) => ({ name, final: node.type === 'final' })),
    transitions,
  };
}
