import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The README's main job, exactly as a new user runs it: no servers at all.
describe('huleedu process (embedded mode)', () => {
  it('spellchecks the example folder end to end and writes the corrected texts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-embedded-'));
    try {
      const r = spawnSync(
        'npx',
        [
          'tsx',
          'cli/huleedu.ts',
          'process',
          'examples/essays',
          '--out',
          join(dir, 'out'),
          '--data',
          join(dir, 'data'),
          '--json',
        ],
        {
          cwd: new URL('../../', import.meta.url).pathname,
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as {
        outcome: string;
        essays: { name: string; status: string; correctionsMade: number }[];
      };
      expect(report.outcome).toBe('completed_successfully');
      expect(report.essays.map((e) => [e.name, e.status, e.correctionsMade])).toEqual([
        ['01-holiday.txt', 'essay_all_processing_completed', 6],
        ['02-school.txt', 'essay_all_processing_completed', 3],
        ['03-clean.txt', 'essay_all_processing_completed', 0],
      ]);
      expect(readFileSync(join(dir, 'out', '01-holiday.txt'), 'utf8')).toContain(
        'I believe that it was because my friend came with us.',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
