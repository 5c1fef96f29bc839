export { type ChartTransition, type MachineGraph, machineGraph } from './machine-graph.ts';
export { toDot } from './to-dot.ts';
export { toMermaid } from './to-mermaid.ts';
