import type { MachineGraph } from '../../../machines/diagram/index.ts';

export interface LaidOutNode {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
  final: boolean;
  initial: boolean;
}

export interface LaidOutEdge {
  from: string;
  to: string;
  label: string;
  /** An SVG path from the source's border to the target's. */
  path: string;
  labelX: number;
  labelY: number;
}

export interface LaidOutChart {
  id: string;
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
}

const NODE_W = 250;
const NODE_H = 40;
const COL_GAP = 190;
const ROW_GAP = 70;
const MARGIN = 30;

/**
 * A layered left-to-right layout of a flat chart, computed on the server so the page only
 * draws: each state's column is its distance from the initial state (breadth first), states
 * keep definition order within a column. Edges are curves (self-transitions loops above the
 * state); labels sit at the curve's middle. Small charts (ours: 7-8 states) stay readable
 * without a layout library.
 */
export function layoutChart(graph: MachineGraph): LaidOutChart {
  const rank = new Map<string, number>([[graph.initial, 0]]);
  const queue = [graph.initial];
  while (queue.length > 0) {
    const at = queue.shift() as string;
    for (const t of graph.transitions)
      if (t.from === at && !rank.has(t.to)) {
        rank.set(t.to, (rank.get(at) ?? 0) + 1);
        queue.push(t.to);
      }
  }
  const maxRank = Math.max(0, ...rank.values());
  for (const s of graph.states) if (!rank.has(s.name)) rank.set(s.name, maxRank + 1);
  const columns = new Map<number, string[]>();
  for (const s of graph.states) {
    const r = rank.get(s.name) as number;
    columns.set(r, [...(columns.get(r) ?? []), s.name]);
  }
  const tallest = Math.max(...[...columns.values()].map((c) => c.length));
  const height = MARGIN * 2 + tallest * NODE_H + (tallest - 1) * ROW_GAP + 40;
  const nodes: LaidOutNode[] = [];
  for (const [r, names] of columns) {
    const columnHeight = names.length * NODE_H + (names.length - 1) * ROW_GAP;
    const top = (height - columnHeight) / 2;
    for (const [i, name] of names.entries())
      nodes.push({
        name,
        x: MARGIN + r * (NODE_W + COL_GAP),
        y: top + i * (NODE_H + ROW_GAP),
        width: NODE_W,
        height: NODE_H,
        final: graph.states.find((s) => s.name === name)?.final ?? false,
        initial: name === graph.initial,
      });
  }
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const width = MARGIN * 2 + (Math.max(...rank.values()) + 1) * (NODE_W + COL_GAP) - COL_GAP;
  // Several edges between the same two states are spread apart.
  const pairCount = new Map<string, number>();
  const edges = graph.transitions.map((t): LaidOutEdge => {
    const a = byName.get(t.from) as LaidOutNode;
    const b = byName.get(t.to) as LaidOutNode;
    const label = t.guard ? `${t.event} [${t.guard}]` : t.event;
    const pair = `${t.from}>${t.to}`;
    const k = pairCount.get(pair) ?? 0;
    pairCount.set(pair, k + 1);
    if (a === b) {
      const x = a.x + a.width / 2 - 30 + k * 14;
      const y = a.y;
      return {
        from: t.from,
        to: t.to,
        label,
        path: `M ${x} ${y} C ${x - 30} ${y - 40 - k * 14}, ${x + 90} ${y - 40 - k * 14}, ${x + 60} ${y}`,
        labelX: x + 30,
        labelY: y - 34 - k * 14,
      };
    }
    const forward = b.x > a.x;
    const sx = forward ? a.x + a.width : a.x + (b.x === a.x ? a.width : 0);
    const ex = forward ? b.x : b.x + (b.x === a.x ? b.width : b.width);
    const sy = a.y + a.height / 2 + (k - 0.5) * 6;
    const ey = b.y + b.height / 2 + (k - 0.5) * 6;
    const bend = forward ? 0 : 60 + k * 20;
    const c1x = forward ? sx + COL_GAP / 2 : sx + bend;
    const c2x = forward ? ex - COL_GAP / 2 : ex + bend;
    const dy = b.x === a.x ? 0 : k * 18;
    return {
      from: t.from,
      to: t.to,
      label,
      path: `M ${sx} ${sy} C ${c1x} ${sy + dy}, ${c2x} ${ey + dy}, ${ex} ${ey}`,
      labelX: (sx + ex) / 2 + (forward ? 0 : bend * 0.75),
      labelY: (sy + ey) / 2 + dy - 4,
    };
  });
  return { id: graph.id, width, height, nodes, edges };
}
