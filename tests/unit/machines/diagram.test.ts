import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportMachine, machineDocument } from '../../../cli/machines-command.ts';
import { MODELS } from '../../model/machine-models.ts';
import { exercisedTransitions, pathsOf } from '../../model/model-suite.ts';

/** (from + EVENT -> to) of a Mermaid stateDiagram, as the model suite writes transitions. */
function mermaidTransitions(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^ {2}(\w+) --> (\w+) : (\w+)/gm))
    out.add(`${m[1]} + ${m[3]} -> ${m[2]}`);
  return out;
}

describe('diagram export', () => {
  for (const model of MODELS) {
    const type = model.actorType;

    it(`docs/machines/${type}.md is what the definitions give (npm run docs:machines)`, () => {
      const file = readFileSync(
        new URL(`../../../docs/machines/${type}.md`, import.meta.url),
        'utf8',
      );
      expect(file).toBe(machineDocument(type));
    });

    it(`${type}: the chart has every transition the machine takes, and no other`, () => {
      // Independent of the exporter: the transitions that stepping the machine along every
      // generated path actually takes (the model suite's coverage set).
      // A chart draws targets, not guarded branches: branch indexes dropped.
      const taken = new Set(
        [...exercisedTransitions(model, pathsOf(model).paths)].map((t) =>
          t.replace(/ \[\d+\]/, ''),
        ),
      );
      const drawn = mermaidTransitions(exportMachine(type, 'mermaid'));
      expect(
        [...taken].filter((t) => !drawn.has(t)),
        'taken, not drawn',
      ).toEqual([]);
      expect(
        [...drawn].filter((t) => !taken.has(t)),
        'drawn, never taken',
      ).toEqual([]);
    });

    it(`${type}: every state is drawn, the final ones ending in [*], in every format`, () => {
      const mermaid = exportMachine(type, 'mermaid');
      const dot = exportMachine(type, 'dot');
      const json = JSON.parse(exportMachine(type, 'json')) as {
        states: { name: string; final: boolean }[];
      };
      const states = Object.entries(model.machine.root.states);
      expect(json.states.map((s) => s.name)).toEqual(states.map(([name]) => name));
      for (const [name, node] of states) {
        expect(mermaid).toMatch(new RegExp(`\\b${name}\\b`));
        expect(dot).toContain(`"${name}"`);
        expect(mermaid.includes(`  ${name} --> [*]`), name).toBe(node.type === 'final');
        expect(dot.includes(`"${name}" [shape=doublecircle`), name).toBe(node.type === 'final');
      }
    });
  }
});
