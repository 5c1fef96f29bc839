import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settingNames } from '../../../deploy/settings-catalogue.ts';

const text = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
/** The names `.env.example` sets or shows commented out (`# NAME=value`). */
const named = [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] as string);

describe('.env.example', () => {
  it('names every setting of every process', () => {
    const missing = settingNames().filter((n) => !named.includes(n));
    expect(missing).toEqual([]);
  });

  it('names nothing that no process reads, and each setting once', () => {
    const known = new Set(settingNames());
    expect(named.filter((n) => !known.has(n))).toEqual([]);
    expect(named.length).toBe(new Set(named).size);
  });
});
