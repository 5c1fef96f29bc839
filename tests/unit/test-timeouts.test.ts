import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../helpers/source-files.ts';

// A test whose waits add up to more than its own timeout fails as "test timed out", which names
// nothing; one whose waits fit fails with the name of the wait. Checked here over every test
// file, from the source: each `waitFor` (default 20 s) and `within` inside an `it` block counts
// at its limit, against the block's timeout or its project's (vitest.config.ts).
const ROOT = join(import.meta.dirname, '..', '..');
const PROJECT_TIMEOUTS: Record<string, number> = {
  unit: 60_000,
  model: 120_000,
  integration: 60_000,
  smoke: 120_000,
};
const WAIT_FOR_DEFAULT = 20_000;

const testFiles = (dir: string): string[] => sourceFiles(dir, /\.test\.ts$/);

/** The text of the call whose argument list starts at `open` (just after its '('). */
function callArguments(source: string, open: number): string {
  let depth = 1;
  let i = open;
  while (i < source.length && depth > 0) {
    const c = source[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    i++;
  }
  return source.slice(open, i - 1);
}

const num = (text: string | undefined) => Number((text ?? '').replaceAll('_', ''));

interface Block {
  file: string;
  name: string;
  timeout: number;
  waits: number;
  waitCount: number;
  unnamed: number;
}

function blocksOf(file: string): Block[] {
  const source = readFileSync(file, 'utf8');
  const project = relative(join(ROOT, 'tests'), file).split('/')[0] ?? '';
  const out: Block[] = [];
  for (const m of source.matchAll(/\n([ \t]*)it\((['"`])(.*?)\2,/g)) {
    const indent = m[1] ?? '';
    const start = (m.index ?? 0) + m[0].length;
    const end = source.indexOf(`\n${indent}}`, start);
    if (end < 0) continue;
    const own = /^\n[ \t]*\},\s*([\d_]+)\)/.exec(source.slice(end, end + 40));
    const body = source.slice(start, end);
    let waits = 0;
    let waitCount = 0;
    let unnamed = 0;
    for (const w of body.matchAll(/\b(waitFor|within)\(/g)) {
      const args = callArguments(body, (w.index ?? 0) + w[0].length).trim();
      waitCount++;
      if (w[1] === 'within') {
        waits += num(/^([\d_]+)/.exec(args)?.[1]);
        continue;
      }
      if (!/^['"`]/.test(args)) unnamed++;
      const limit = /,\s*([\d_]{4,})\s*(?:,\s*[\d_]+\s*)?,?$/.exec(args);
      waits += limit ? num(limit[1]) : WAIT_FOR_DEFAULT;
    }
    out.push({
      file: relative(ROOT, file),
      name: m[3] ?? '',
      timeout: own ? num(own[1]) : (PROJECT_TIMEOUTS[project] ?? 5_000),
      waits,
      waitCount,
      unnamed,
    });
  }
  return out;
}

describe('test timeouts', () => {
  const blocks = testFiles(join(ROOT, 'tests')).flatMap(blocksOf);

  it('finds the tests and their waits (the parser works)', () => {
    expect(blocks.length).toBeGreaterThan(200);
    expect(blocks.filter((b) => b.waitCount > 0).length).toBeGreaterThan(40);
  });

  it("every test's timeout is above the sum of its waits, so a failed wait reports its name", () => {
    const tooShort = blocks
      .filter((b) => b.waits >= b.timeout)
      .map((b) => `${b.file}: "${b.name}" waits up to ${b.waits} ms, times out at ${b.timeout}`);
    expect(tooShort).toEqual([]);
  });

  it('every waitFor names what it waits for', () => {
    expect(blocks.filter((b) => b.unnamed > 0).map((b) => `${b.file}: "${b.name}"`)).toEqual([]);
  });
});
