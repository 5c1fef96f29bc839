import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProcessingEvent } from '../../../common-core/index.ts';
import { MACHINE_DEFINITIONS } from '../../../machines/index.ts';
import { sourceFiles } from '../../helpers/source-files.ts';

// The durable runtime runs any registered actor type: it interprets only the effects every
// machine shares (timers) and leaves the rest to the type's interpreter. A name of the domain
// in it (an actor type, a machine event or action, a platform event) means it took on a type's
// job, and the next actor type or phase would have to change it.
const RUNTIME = join(import.meta.dirname, '..', '..', '..', 'actors', 'runtime');
const SHARED_ACTIONS = new Set(['scheduleTimer', 'cancelTimer']);

describe('actors/runtime knows no domain', () => {
  it('names no actor type, machine event, machine action or platform event', () => {
    // Actor types are plain words ("a batch of deliveries"): only a quoted one is a use.
    const quoted = Object.values(MACHINE_DEFINITIONS).map((d) => d.actorType);
    const words = new Set<string>(Object.values(ProcessingEvent));
    for (const d of Object.values(MACHINE_DEFINITIONS)) {
      for (const e of d.machine.events) words.add(e);
      for (const a of Object.keys(d.machine.implementations.actions))
        if (!SHARED_ACTIONS.has(a)) words.add(a);
    }
    const literal = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const found: string[] = [];
    for (const file of sourceFiles(RUNTIME, /\.ts$/)) {
      const text = readFileSync(file, 'utf8');
      for (const name of quoted)
        if (new RegExp(`['"\`]${literal(name)}['"\`]`).test(text)) found.push(`${file}: '${name}'`);
      for (const name of words)
        if (new RegExp(`(^|[^\\w.])${literal(name)}(?![\\w])`).test(text))
          found.push(`${file}: ${name}`);
    }
    expect(words.size).toBeGreaterThan(20);
    expect(found).toEqual([]);
  });
});
