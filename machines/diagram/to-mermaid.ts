import type { MachineGraph } from './machine-graph.ts';

/** A Mermaid `stateDiagram-v2` of the chart (GitHub renders it in Markdown). */
export function toMermaid(graph: MachineGraph): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${graph.initial}`];
  for (const t of graph.transitions)
    lines.push(`  ${t.from} --> ${t.to} : ${t.event}${t.guard ? ` [${t.guard}]` : ''}`);
  for (const s of graph.states) if (s.final) lines.push(`  ${s.name} --> [*]`);
  return `${lines.join('\n')}\n`;
}
