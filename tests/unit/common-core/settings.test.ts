import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  environmentWithDotEnv,
  HostList,
  InfraSettingsShape,
  loadSettings,
  Port,
  redactSettings,
  SettingsError,
} from '../../../common-core/index.ts';

const Schema = z.object({
  ...InfraSettingsShape,
  CONTENT_PORT: Port.default(8000),
  CONTENT_MODE: z.enum(['fs', 'postgres']).default('fs'),
});

describe('loadSettings', () => {
  it('applies defaults and parses values', () => {
    const s = loadSettings('content', Schema, {
      env: { CONTENT_PORT: '9001', KAFKA_BROKERS: 'a:1, b:2' },
    });
    expect(s.CONTENT_PORT).toBe(9001);
    expect(s.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
    expect(s.NATS_SERVERS).toEqual(['127.0.0.1:4222']);
    expect(s.CONTENT_MODE).toBe('fs');
  });

  it('treats empty strings as unset', () => {
    expect(loadSettings('content', Schema, { env: { CONTENT_PORT: '' } }).CONTENT_PORT).toBe(8000);
  });

  it('names every bad variable at once and never prints a value', () => {
    const secret = 'mysql://hunter2@db';
    let error: unknown;
    try {
      loadSettings('content', Schema, {
        env: {
          CONTENT_PORT: '99999',
          KAFKA_BROKERS: 'nocolon',
          DATABASE_URL: secret,
          CONTENT_MODE: 's3',
        },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const err = error as SettingsError;
    expect(err.code).toBe('HULEEDU_INVALID_SETTINGS');
    expect(err.problems.map((p) => p.variable).sort()).toEqual([
      'CONTENT_MODE',
      'CONTENT_PORT',
      'DATABASE_URL',
      'KAFKA_BROKERS',
    ]);
    expect(err.message).toContain('Invalid settings for content');
    expect(err.message).toContain('CONTENT_MODE: must be one of fs, postgres');
    // The patterns' own words (bug: both said "must be a valid regex").
    expect(err.message).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(err.message).toContain('KAFKA_BROKERS: each entry must be host:port');
    expect(err.message).not.toContain('hunter2');
    expect(err.message).not.toContain('s3');
  });

  it('layers the real environment over .env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settings-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'HULEEDU_TEST_FROM_FILE=file\nHULEEDU_TEST_BOTH=file\n');
    process.env.HULEEDU_TEST_BOTH = 'env';
    try {
      const env = environmentWithDotEnv(file);
      expect(env.HULEEDU_TEST_FROM_FILE).toBe('file');
      expect(env.HULEEDU_TEST_BOTH).toBe('env');
    } finally {
      delete process.env.HULEEDU_TEST_BOTH;
    }
  });

  it('redacts secret-looking settings for logs', () => {
    expect(redactSettings({ DATABASE_URL: 'postgres://u:p@h/db', CONTENT_PORT: 1 })).toEqual({
      DATABASE_URL: '***',
      CONTENT_PORT: 1,
    });
  });

  it('HostList rejects entries without a port', () => {
    expect(HostList.safeParse('a:1,b').success).toBe(false);
  });
});
