import { parseArgs } from 'node:util';
import { MACHINE_DEFINITIONS } from '../machines/definitions.ts';
import { machineGraph, toDot, toMermaid } from '../machines/diagram/index.ts';
import { UsageError } from './usage-error.ts';

const USAGE = 'huleedu machines export [--machine essay|batch] [--format mermaid|dot|json]';
const FORMATS = ['mermaid', 'dot', 'json'] as const;
type Format = (typeof FORMATS)[number];
type ActorType = keyof typeof MACHINE_DEFINITIONS;

/** One machine's chart in a format, from its definition. */
export function exportMachine(actorType: ActorType, format: Format): string {
  const def = MACHINE_DEFINITIONS[actorType];
  const graph = machineGraph(def.machine);
  if (format === 'mermaid') return toMermaid(graph);
  if (format === 'dot') return toDot(graph);
  return `${JSON.stringify({ ...graph, actorType, version: def.version }, null, 2)}\n`;
}

/**
 * docs/machines/<type>.md: the chart as Mermaid (GitHub draws it) and the states; written by
 * `npm run docs:machines`, and a unit test fails when the file differs from the definitions.
 */
export function machineDocument(actorType: ActorType): string {
  const def = MACHINE_DEFINITIONS[actorType];
  const graph = machineGraph(def.machine);
  const finals = graph.states.filter((s) => s.final).map((s) => `\`${s.name}\``);
  return [
    `# The ${actorType} machine (\`${def.id}\`, version ${def.version})`,
    '',
    '<!-- Generated from machines/definitions.ts by `npm run docs:machines`; do not edit. -->',
    '',
    '```mermaid',
    toMermaid(graph).trimEnd(),
    '```',
    '',
    `${graph.states.length} states (initial \`${graph.initial}\`; final ${finals.join(', ') || 'none'}), ${graph.transitions.length} transitions. A self-transition changes the context, not the state. \`huleedu machines export --machine ${actorType} --format dot|json\` prints the same chart for Graphviz or programs.`,
    '',
  ].join('\n');
}

/** `huleedu machines export`: print one machine's chart, or both (Mermaid, one after the other). */
export function machinesCommand(argv: readonly string[], print: (text: string) => void): number {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: { machine: { type: 'string' }, format: { type: 'string', default: 'mermaid' } },
  });
  if (positionals[0] !== 'export' || positionals.length > 1) throw new UsageError(USAGE);
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(USAGE);
  const machine = values.machine;
  if (machine !== undefined && !(machine in MACHINE_DEFINITIONS)) throw new UsageError(USAGE);
  const types = machine
    ? [machine as ActorType]
    : (Object.keys(MACHINE_DEFINITIONS) as ActorType[]);
  if (format === 'json' && types.length > 1)
    print(
      `${JSON.stringify(
        types.map((t) => JSON.parse(exportMachine(t, 'json'))),
        null,
        2,
      )}\n`,
    );
  else for (const t of types) print(exportMachine(t, format));
  return 0;
}
