// Public entry of the spelling engine.
import type { SpellCheckFn } from '../engine/spell-check.ts';
import type { SpellingEngine } from './spelling-engine.ts';

export * from './spelling-engine.ts';
export { tokenize } from './tokenize.ts';

/** The engine as the worker's injected spell-check function. */
export function spellCheckWith(engine: SpellingEngine): SpellCheckFn {
  return (text, language) => engine.check(text, language);
}
