/** `npm run docs:machines`: write docs/machines/<type>.md from the machine definitions. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineDocument } from '../cli/machines-command.ts';
import { MACHINE_DEFINITIONS } from '../machines/definitions.ts';

const dir = new URL('../docs/machines/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
for (const type of Object.keys(MACHINE_DEFINITIONS) as (keyof typeof MACHINE_DEFINITIONS)[]) {
  writeFileSync(join(dir, `${type}.md`), machineDocument(type));
  console.log(`wrote docs/machines/${type}.md`);
}
