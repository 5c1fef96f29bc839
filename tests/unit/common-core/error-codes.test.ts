import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../common-core/index.ts';
import { settingNames } from '../../../deploy/settings-catalogue.ts';
import { sourceFiles } from '../../helpers/source-files.ts';

// One error vocabulary: every HULEEDU_ code the platform writes is in the table of error codes
// (common-core/errors/error-codes.ts), where its meaning, retry flag and HTTP status are stated.
// The other HULEEDU_ names are environment variables (the settings catalogue).
const ROOT = join(import.meta.dirname, '..', '..', '..');
const SOURCE_DIRS = [
  'actors',
  'bridge',
  'cli',
  'common-core',
  'db',
  'deploy',
  'machines',
  'messaging',
  'services',
  'scripts',
];
/** Read by the Docker image's healthcheck, set per service in docker-compose.yml. */
const IMAGE_VARIABLES = ['HULEEDU_SERVICE'];

const sources = (dir: string): string[] => sourceFiles(dir, /\.(ts|js|mjs)$/);

describe('error codes', () => {
  it('every HULEEDU_ name in the source is a code of the error table or a setting', () => {
    const known = new Set<string>([
      ...Object.keys(ErrorCodes),
      ...settingNames(),
      ...IMAGE_VARIABLES,
    ]);
    const unknown: string[] = [];
    for (const file of SOURCE_DIRS.flatMap((d) => sources(join(ROOT, d)))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bHULEEDU_[A-Z0-9_]+\b/g))
        if (!known.has(m[0])) unknown.push(`${relative(ROOT, file)}: ${m[0]}`);
    }
    expect(unknown).toEqual([]);
  });

  it('each code states whether a retry can help, an HTTP status and a summary', () => {
    for (const [code, entry] of Object.entries(ErrorCodes)) {
      expect(typeof entry.retryable, code).toBe('boolean');
      expect(entry.http, code).toBeGreaterThanOrEqual(400);
      expect(entry.http, code).toBeLessThan(600);
      expect(entry.summary.length, code).toBeGreaterThan(5);
    }
  });
});
