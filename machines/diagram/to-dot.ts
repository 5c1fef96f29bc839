import type { MachineGraph } from './machine-graph.ts';

const quote = (s: string) => `"${s.replace(/"/g, '\\"')}"`;

/** A Graphviz `digraph` of the chart (`dot -Tsvg`); final states are double circles. */
export function toDot(graph: MachineGraph): string {
  const lines = [
    `digraph ${quote(graph.id)} {`,
    '  rankdir=LR;',
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
    '  __start [shape=point, label=""];',
    `  __start -> ${quote(graph.initial)};`,
  ];
  for (const s of graph.states)
    lines.push(`  ${quote(s.name)}${s.final ? ' [shape=doublecircle, style=""]' : ''};`);
  for (const t of graph.transitions)
    lines.push(
      `  ${quote(t.from)} -> ${quote(t.to)} [label=${quote(t.guard ? `${t.event} [${t.guard}]` : t.event)}];`,
    );
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
