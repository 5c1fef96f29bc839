import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
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

  it('an unknown command prints usage and exits 2', () => {
    const r = huleedu(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage:');
  });
});
