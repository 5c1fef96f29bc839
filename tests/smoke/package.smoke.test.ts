import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The package as a user gets it: `npm pack`, a global install of the tarball into a prefix of
// its own, then the installed `huleedu` bin (compiled JavaScript; no tsx, no repository).
const ROOT = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm pack, global install, run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'huleedu-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const prefix = join(dir, 'prefix');
  const bin = join(prefix, 'bin', 'huleedu');

  it('packs only what a user needs and installs globally with a working bin', () => {
    const packed = run('npm', ['pack', '--pack-destination', dir, '--json'], ROOT);
    expect(packed.code, packed.err).toBe(0);
    const [info] = JSON.parse(packed.out.slice(packed.out.indexOf('['))) as {
      filename: string;
      files: { path: string }[];
    }[];
    const paths = info?.files.map((f) => f.path) ?? [];
    expect(paths).toContain('dist/cli/huleedu.js');
    expect(paths).toContain('dist/db/migrations/0000_init.sql');
    expect(paths).toContain('LICENSE');
    expect(
      paths.filter((p) => /^(tests|benchmarks|scripts)\//.test(p) || p.endsWith('.ts')),
    ).toEqual([]);
    const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz')) as string);
    const installed = run(
      'npm',
      ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', tarball],
      dir,
    );
    expect(installed.code, installed.err).toBe(0);

    const version = run(bin, ['--version'], dir);
    expect(version.err).toBe('');
    expect(version.code).toBe(0);
    expect(version.out.trim()).toBe(pkg.version);
  });

  it('the installed huleedu processes a folder of essays (embedded mode)', () => {
    const essays = join(dir, 'essays');
    mkdirSync(essays, { recursive: true });
    writeFileSync(join(essays, 'one.txt'), 'I recieve teh letter yesterday.');
    writeFileSync(join(essays, 'two.txt'), 'There is a beautifull garden behind the house.');
    const out = join(dir, 'corrected');
    // An empty cache: the first run builds the spelling index and the database template, each
    // in a child process running the package's own compiled scripts.
    const r = run(bin, ['process', essays, '--out', out, '--data', join(dir, 'data')], dir, {
      HULEEDU_CACHE_DIR: join(dir, 'cache'),
    });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/completed_successfully \(2 essays/);
    expect(readFileSync(join(out, 'one.txt'), 'utf8')).toBe('I receive the letter yesterday.');
    expect(readFileSync(join(out, 'two.txt'), 'utf8')).toBe(
      'There is a beautiful garden behind the house.',
    );
  });
});
