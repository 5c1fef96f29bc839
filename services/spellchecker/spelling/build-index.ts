/**
 * Builds the spelling caches (the index and the lexicon's junk list, in `HULEEDU_CACHE_DIR` or
 * `.data/cache`) in a process of its own: the build peaks at ~470 MB resident for ~5 s, which
 * `huleedu process` (bounded to ~500 MB with PGlite and the loaded engine beside it) must not
 * carry. Exit 0 once the caches are written.
 */
import { SpellingEngine } from './spelling-engine.ts';

try {
  new SpellingEngine().check('warm up', 'en');
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
