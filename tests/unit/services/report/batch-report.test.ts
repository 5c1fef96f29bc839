import { describe, expect, it } from 'vitest';
import {
  buildBatchReport,
  correctionKind,
  renderReportCsv,
  renderReportHtml,
} from '../../../../services/report/index.ts';

const report = () =>
  buildBatchReport(
    { batchId: 'b-1', status: 'completed_with_failures' },
    [
      {
        name: 'one.txt',
        essayId: 'b-1-0001',
        status: 'essay_all_processing_completed',
        text: 'I recieve alot of leters, dont you?',
        correctedText: "I receive a lot of letters, don't you?",
        results: {
          metrics: {
            words: 41,
            sentences: 4,
            mean_sentence_length: 10.25,
            lexical_diversity: 58.84,
            readability_grade: 3.95,
            spelling_error_rate: 14.63,
          },
        },
        error: null,
      },
      {
        name: '=cmd|calc.txt',
        essayId: 'b-1-0002',
        status: 'essay_partially_processed_with_failures',
        text: 'Hello "world", fine',
        correctedText: null,
        error: { code: 'HULEEDU_RETRIES_EXHAUSTED', message: 'gave up' },
      },
    ],
    new Date('2026-12-01T10:00:00Z'),
  );

describe("the teacher's report", () => {
  it('finds every correction with its kind, and the totals', () => {
    const r = report();
    expect(r.essays[0]?.corrections.map((c) => [c.original, c.replacement, c.kind])).toEqual([
      ['recieve', 'receive', 'spelling'],
      ['alot', 'a lot', 'split'],
      ['leters', 'letters', 'spelling'],
      ['dont', "don't", 'apostrophe'],
    ]);
    expect(r.totals).toEqual({ essays: 2, corrected: 1, failed: 1, corrections: 4 });
    expect(correctionKind('london', 'London')).toBe('capitalisation');
    expect(correctionKind('any one', 'anyone')).toBe('joined');
    // Real words the engine changed in context are shown apart from misspellings.
    expect(correctionKind('their', 'there')).toBe('context');
    expect(correctionKind('Its', "It's")).toBe('context');
    expect(correctionKind('of', 'have')).toBe('context');
    expect(correctionKind('thier', 'their')).toBe('spelling');
  });

  it('html: one self-contained page with every correction in place and the failure reason', () => {
    const html = renderReportHtml(report());
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<meta name="viewport"');
    expect(html).not.toMatch(/<(script|link|img|iframe)\b|src=|href="http/);
    expect(html).toContain('I <span class="fix" title="spelling: recieve → receive">');
    expect(html).toContain('<del aria-label="was">alot</del><ins aria-label="now">a lot</ins>');
    expect(html).toContain('Not corrected: gave up (HULEEDU_RETRIES_EXHAUSTED)');
    expect(html).toContain('Hello &#34;world&#34;, fine');
    // The text metrics of the essay that has them, as a list; none for the other.
    expect(html).toContain(
      '<dl class="figures" aria-label="Text metrics"><dt>Words</dt><dd>41</dd><dt>Sentences</dt><dd>4</dd><dt>Words per sentence</dt><dd>10.3</dd><dt>Lexical diversity (MTLD)</dt><dd>58.8</dd><dt>Readability (school grade)</dt><dd>4.0</dd><dt>Spelling errors per 100 words</dt><dd>14.6</dd></dl>',
    );
    expect(html.match(/class="figures"/g)).toHaveLength(1);
    // The text around the corrections is kept exactly: strip the markup of the original's side.
    const shown = (html.match(/<div class="text">(.*?)<\/div>/)?.[1] ?? '')
      .replace(/<ins[^>]*>.*?<\/ins>/g, '')
      .replace(/<[^>]+>/g, '')
      .replace(/&#39;/g, "'");
    expect(shown).toBe('I recieve alot of leters, dont you?');
  });

  it('csv: a row per correction and one per essay without any; quoted; no formula injection', () => {
    const rows = renderReportCsv(report()).trimEnd().split('\r\n');
    expect(rows[0]).toBe(
      'essay,essay_id,status,start,end,original,replacement,kind,error,words,sentences,mean_sentence_length,lexical_diversity,readability_grade,spelling_error_rate',
    );
    expect(rows).toHaveLength(1 + 4 + 1);
    expect(rows[2]).toBe(
      'one.txt,b-1-0001,essay_all_processing_completed,10,14,alot,a lot,split,,41,4,10.25,58.84,3.95,14.63',
    );
    expect(rows[5]).toBe(
      "'=cmd|calc.txt,b-1-0002,essay_partially_processed_with_failures,,,,,,HULEEDU_RETRIES_EXHAUSTED: gave up,,,,,,",
    );
  });
});
