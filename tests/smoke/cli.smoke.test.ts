import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TOPIC_MAPPING } from '../../common-core/index.ts';

// Runs the real `huleedu` command as a user would, against the running infrastructure.
function huleedu(
  args: string[],
  env: Record<string, string> = {},
): { code: number | null; out: string; err: string } {
  const r = spawnSync('npx', ['tsx', 'cli/huleedu.ts', ...args], {
    cwd: new URL('../../', import.meta.url).pathname,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('huleedu CLI smoke', () => {
  it('topics create succeeds against the running stack, idempotently', () => {
    const r = huleedu(['topics', 'create']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Kafka topics: \d+ created, \d+ already present/);
    expect(r.out).toMatch(/NATS stream HULEEDU/);
  });

  it('topics list prints the event -> topic table', () => {
    const r = huleedu(['topics', 'list']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('essay.spellcheck.requested\thuleedu.essay.spellcheck.requested.v1');
    expect(r.out.trim().split('\n')).toHaveLength(Object.keys(TOPIC_MAPPING).length);
  });

  it('bad settings stop the command with every bad variable named', () => {
    const r = huleedu(['topics', 'create'], {
      TOPICS_PARTITIONS: 'zero',
      KAFKA_BROKERS: 'nohostport',
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain('TOPICS_PARTITIONS');
    expect(r.err).toContain('KAFKA_BROKERS');
  });

  it('an unknown command is a usage error: exit 2, on stderr', () => {
    const r = huleedu(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown command');
    expect(r.out).toBe('');
  });
});

describe('huleedu: arguments as users expect', () => {
  const version = (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
  const dir = mkdtempSync(join(tmpdir(), 'huleedu-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help and --version print to stdout and exit 0', () => {
    for (const args of [['--help'], ['-h'], ['process', '--help'], ['submit', '--help']]) {
      const r = huleedu(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out).toContain('huleedu process <folder>');
      expect(r.err).toBe('');
    }
    for (const args of [['--version'], ['-V']]) {
      const r = huleedu(args);
      expect(r.code).toBe(0);
      expect(r.out.trim()).toBe(version);
    }
  });

  it('an unknown option, a missing value or a bad --out stop before any work (exit 2)', () => {
    const essays = join(dir, 'essays');
    mkdirSync(essays, { recursive: true });
    writeFileSync(join(essays, 'a.txt'), 'I recieve teh letter.');
    writeFileSync(join(dir, 'a-file'), 'x');
    const data = join(dir, 'data-never-made');
    const cases: [string[], RegExp][] = [
      [['process', essays, '--bogus'], /Unknown option '--bogus'/],
      [['process', essays, '--out'], /'--out <value>' argument missing/],
      [['process', essays, '--out', join(dir, 'a-file')], /is a file, not a folder/],
      [['process', essays, '--out', essays], /is the input folder/],
      [['process', join(dir, 'nowhere')], /does not exist/],
      [['process', essays, '--timeout', 'soon'], /--timeout takes a number of seconds/],
      [['process', essays, '--pipeline', 'nlp'], /--pipeline lists phases, each once/],
      [['process', essays, '--pipeline', 'metrics,metrics'], /--pipeline lists phases, each once/],
      [['process'], /usage: huleedu process/],
      [['spell'], /usage: huleedu spell/],
      [['suggest', '--top', 'x'], /usage: huleedu suggest/],
    ];
    for (const [args, message] of cases) {
      const r = huleedu(
        args[0] === 'process' ? ['process', '--data', data, ...args.slice(1)] : args,
      );
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.out).toBe('');
    }
    // Nothing was done: no data folder made.
    expect(() => readFileSync(join(data, 'x'))).toThrow();
  });

  it('process --timeout gives the run a time limit and says so when it is reached (exit 1)', () => {
    const essays = join(dir, 'timed');
    mkdirSync(essays, { recursive: true });
    writeFileSync(join(essays, 'a.txt'), 'I recieve teh letter.');
    const r = huleedu(
      ['process', essays, '--timeout', '0.001', '--data', join(dir, 'timed-data')],
      {
        HULEEDU_CACHE_DIR: join(process.cwd(), '.data', 'cache'),
      },
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/did not finish within --timeout 0\.001 s .*run again to finish it/);
  });

  it('spell --json through a pipe delivers the whole output (bug: cut at 65,536 bytes by the exit)', () => {
    const file = join(dir, 'long.txt');
    writeFileSync(file, Array.from({ length: 5_000 }, () => 'teh recieve').join(' '));
    const r = spawnSync(
      'sh',
      [
        '-c',
        `npx tsx cli/huleedu.ts spell '${file}' --json | node -e "
        let n = '';
        process.stdin.on('data', (d) => (n += d));
        process.stdin.on('end', () => console.log(JSON.parse(n).corrections_made, n.length));"`,
      ],
      { cwd: new URL('../../', import.meta.url).pathname, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.stderr).toBe('');
    const [made, bytes] = r.stdout.trim().split(' ').map(Number);
    expect(made).toBe(10_000);
    expect(bytes).toBeGreaterThan(4 * 65_536);
  });

  it('symlinks out of the folder and files that cannot be read are skipped by name; the rest goes on', () => {
    const essays = join(dir, 'mixed');
    const outside = join(dir, 'outside');
    mkdirSync(essays, { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(essays, 'good.txt'), 'I recieve teh letter.');
    writeFileSync(join(outside, 'secret.txt'), 'not for this batch');
    symlinkSync(join(outside, 'secret.txt'), join(essays, 'escape.txt'));
    symlinkSync(outside, join(essays, 'folder.txt'));
    symlinkSync(join(dir, 'missing.txt'), join(essays, 'dangling.txt'));
    writeFileSync(join(essays, 'latin1.txt'), Buffer.from([0x43, 0x61, 0x66, 0xe9]));
    const out = join(dir, 'corrected');
    const r = huleedu(['process', essays, '--out', out, '--data', join(dir, 'data')], {
      HULEEDU_CACHE_DIR: join(process.cwd(), '.data', 'cache'),
    });
    expect(r.err).toMatch(/skipped escape\.txt: a symbolic link out of/);
    expect(r.err).toMatch(/skipped folder\.txt: a symbolic link out of/);
    expect(r.err).toMatch(/skipped dangling\.txt: a symbolic link to nothing/);
    expect(r.err).toMatch(/skipped latin1\.txt/);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'good.txt'), 'utf8')).toBe('I receive the letter.');
  });
});
