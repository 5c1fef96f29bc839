import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, isErrorCode } from '../../../common-core/index.ts';
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
  'phases',
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

  it('every error class of the platform is a HuleEduError (a code, a retry flag), but HuleEduError itself', () => {
    const plain: string[] = [];
    for (const file of SOURCE_DIRS.flatMap((d) => sources(join(ROOT, d)))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/class (\w+) extends (Error|TypeError|RangeError)\b/g))
        if (m[1] !== 'HuleEduError') plain.push(`${relative(ROOT, file)}: ${m[1]} extends ${m[2]}`);
    }
    expect(plain).toEqual([]);
  });

  it('isErrorCode knows the table and nothing else', () => {
    expect(isErrorCode('HULEEDU_NOT_FOUND')).toBe(true);
    expect(isErrorCode('HULEEDU_NOT_A_CODE')).toBe(false);
    expect(isErrorCode('HTTP_502')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
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
