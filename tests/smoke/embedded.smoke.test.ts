import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `npx tsx cli/huleedu.ts <args>` from the repository root, as a user runs it. */
function huleedu(args: string[], options: { timeoutMs: number; cacheDir?: string }) {
  return spawnSync('npx', ['tsx', 'cli/huleedu.ts', ...args], {
    cwd: new URL('../../', import.meta.url).pathname,
    encoding: 'utf8',
    timeout: options.timeoutMs,
    ...(options.cacheDir ? { env: { ...process.env, HULEEDU_CACHE_DIR: options.cacheDir } } : {}),
  });
}

// The README's main job, exactly as a new user runs it: no servers at all.
describe('huleedu process (embedded mode)', () => {
  it('spellchecks the example folder end to end and writes the corrected texts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-embedded-'));
    try {
      const r = huleedu(
        [
          'process',
          'examples/essays',
          '--out',
          join(dir, 'out'),
          '--data',
          join(dir, 'data'),
          '--json',
        ],
        { timeoutMs: 120_000 },
      );
      // Nothing on stderr but, on a first run, the note that the spelling index is being built.
      expect(r.stderr.replace(/^huleedu process: building the spelling index .*\n/, '')).toBe('');
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as {
        outcome: string;
        phases: { phase: string; status: string }[];
        essays: {
          name: string;
          status: string;
          correctionsMade: number;
          results: { metrics?: { words: number; spelling_error_rate: number | null } };
        }[];
      };
      expect(report.outcome).toBe('completed_successfully');
      // Both phases ran, in order: spellcheck, then text metrics.
      expect(report.phases).toEqual([
        { phase: 'spellcheck', status: 'completed_successfully' },
        { phase: 'metrics', status: 'completed_successfully' },
      ]);
      expect(report.essays.map((e) => [e.name, e.status, e.correctionsMade])).toEqual([
        ['01-holiday.txt', 'essay_all_processing_completed', 6],
        ['02-school.txt', 'essay_all_processing_completed', 3],
        ['03-clean.txt', 'essay_all_processing_completed', 0],
      ]);
      // The metrics of the corrected text, with the spelling error rate from spellcheck.
      expect(report.essays.map((e) => e.results.metrics?.words)).toEqual([41, 32, 20]);
      expect(report.essays.map((e) => e.results.metrics?.spelling_error_rate)).toEqual([
        14.63, 9.38, 0,
      ]);
      expect(readFileSync(join(dir, 'out', '01-holiday.txt'), 'utf8')).toContain(
        'I believe that it was because my friend came with us.',
      );
      // The teacher's report beside them: every correction in place, the totals.
      const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
      expect(html).toContain(
        '<del aria-label="was">beleive</del><ins aria-label="now">believe</ins>',
      );
      expect(html).toContain('<dd>3 (3 corrected, 0 failed)</dd>');
      expect(html.match(/<span class="fix"/g)).toHaveLength(9);
      expect(html.match(/<dl class="figures" aria-label="Text metrics">/g)).toHaveLength(3);
      expect(html).toContain('<dt>Words</dt><dd>41</dd>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a first run with an empty cache builds the spelling index and the database template in child processes, then runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-embedded-cold-'));
    try {
      const cache = join(dir, 'cache');
      const r = huleedu(['process', 'examples/essays', '--data', join(dir, 'data'), '--json'], {
        timeoutMs: 300_000,
        cacheDir: cache,
      });
      expect(r.stderr).toBe(
        `huleedu process: building the spelling index (first run only, ~20 s; cached in ${cache})\n`,
      );
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as {
        outcome: string;
      };
      expect(report.outcome).toBe('completed_successfully');
      const cached = readdirSync(cache).sort();
      expect(cached).toHaveLength(3);
      // The spelling lexicon's junk list, the database template, the spelling index.
      expect(cached[0]).toMatch(/^junk-en-v1-[0-9a-f]{16}\.txt$/);
      expect(cached[1]).toMatch(/^pglite-\d+\.\d+\.\d+-[0-9a-f]{12}$/);
      expect(cached[2]).toMatch(/^symspell-en-.*\.bin$/);
      // The run's data directory is a copy of the template, now holding the batch.
      expect(readdirSync(join(dir, 'data', 'pglite'))).toContain('PG_VERSION');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('leaves out a Latin-1 or binary file, named, and corrects the rest (bug: "Café" came back as "Caf\uFFFD")', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-embedded-enc-'));
    try {
      const input = join(dir, 'in');
      mkdirSync(input);
      writeFileSync(
        join(input, 'a-latin1.txt'),
        Buffer.from('The caf\u00e9 near our school is my favorit place.', 'latin1'),
      );
      writeFileSync(
        join(input, 'b-binary.txt'),
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]),
      );
      writeFileSync(
        join(input, 'c-utf8.txt'),
        'The caf\u00e9 near our school is my favorit place.',
      );
      // Spellcheck alone (--pipeline): the original platform's one phase.
      const r = huleedu(
        [
          'process',
          input,
          '--out',
          join(dir, 'out'),
          '--data',
          join(dir, 'data'),
          '--json',
          '--pipeline',
          'spellcheck',
        ],
        { timeoutMs: 120_000 },
      );
      expect(r.stderr).toContain('skipped a-latin1.txt: it is not UTF-8 text');
      expect(r.stderr).toContain('skipped b-binary.txt');
      const report = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as {
        phases: { phase: string }[];
        essays: { name: string; status: string; results: Record<string, unknown> }[];
      };
      expect(report.essays.map((e) => e.name)).toEqual(['c-utf8.txt']);
      expect(report.phases.map((p) => p.phase)).toEqual(['spellcheck']);
      expect(report.essays[0]?.status).toBe('essay_all_processing_completed');
      expect(Object.keys(report.essays[0]?.results ?? {})).toEqual(['spellcheck']);
      expect(readFileSync(join(dir, 'out', 'c-utf8.txt'), 'utf8')).toBe(
        'The caf\u00e9 near our school is my favorite place.',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
