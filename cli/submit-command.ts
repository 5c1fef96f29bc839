import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { briefFigures } from '../phases/index.ts';
import { ApiClient, ApiError, type BatchView } from './api-client.ts';
import { developmentToken } from './dev-token.ts';
import { ProgressLine } from './progress-line.ts';
import { UsageError } from './usage-error.ts';

const FINAL_ESSAY = new Set([
  'essay_all_processing_completed',
  'essay_partially_processed_with_failures',
  'essay_critical_failure',
]);
const ACCEPTED = new Set(['.txt', '.docx', '.pdf']);

export interface FollowOptions {
  api: string;
  token: string;
  out: string | undefined;
  /** The report written beside the corrected texts (report.html unless json or csv). */
  format?: 'html' | 'json' | 'csv';
  print: (line: string) => void;
  /** Progress output: rewritten in place on a terminal, plain lines otherwise. */
  tty: boolean;
  signal: AbortSignal;
}

const connection = (values: { api?: string | undefined; token?: string | undefined }) => ({
  api: values.api ?? process.env.HULEEDU_API_URL ?? 'http://127.0.0.1:8080',
  token: values.token ?? process.env.HULEEDU_TOKEN ?? developmentToken('teacher-1'),
});

/** Follow a batch to its end with a progress line, then print its summary and write its texts. */
async function followAndReport(batchId: string, total: number, o: FollowOptions): Promise<number> {
  const client = new ApiClient(o.api, o.token);
  const started = Date.now();
  const finalEssays = new Set<string>();
  const bar = new ProgressLine(total, {
    tty: o.tty,
    write: (text) => (o.tty ? process.stdout.write(text) : o.print(text.trimEnd())),
  });
  const progress = (force = false): void => bar.update(finalEssays.size, force);
  const ended = await client.follow(
    batchId,
    (e) => {
      if (e.event === 'snapshot') {
        const view = JSON.parse(e.data) as BatchView;
        for (const essay of view.essays)
          if (FINAL_ESSAY.has(essay.status)) finalEssays.add(essay.essay_id);
      } else if (e.event === 'essay_status') {
        const change = JSON.parse(e.data) as { essay_id: string; to_status: string };
        if (FINAL_ESSAY.has(change.to_status)) finalEssays.add(change.essay_id);
      }
      progress(e.event === 'end');
    },
    o.signal,
  );
  bar.finish();
  if (!ended) {
    o.print(`stopped following; the batch goes on. Resume with: huleedu status ${batchId}`);
    return 130;
  }
  const view = await client.batch(batchId);
  let corrections = 0;
  let failures = 0;
  for (const e of view.essays) {
    corrections += e.corrections_made ?? 0;
    if (e.status !== 'essay_all_processing_completed') failures++;
    const brief = briefFigures(e.results);
    o.print(
      `  ${e.name}\t${e.status}\t${e.corrections_made ?? '-'} corrections${brief ? `\t${brief}` : ''}${e.error ? `\t${e.error.code}: ${e.error.message}` : ''}`,
    );
  }
  if (o.out) {
    const out = resolve(o.out);
    mkdirSync(out, { recursive: true });
    for (const e of view.essays) {
      const detail = await client.essay(e.essay_id);
      if (detail.corrected_text === null) continue;
      const name = extname(e.name).toLowerCase() === '.txt' ? e.name : `${e.name}.txt`;
      writeFileSync(join(out, name), detail.corrected_text);
    }
    o.print(`corrected texts written to ${out}`);
    const format = o.format ?? 'html';
    const report = join(out, `report.${format}`);
    writeFileSync(report, await client.report(batchId, format));
    o.print(`report: ${report}`);
  }
  o.print(
    `batch ${batchId}: ${view.status}: ${view.essays.length} essays, ${corrections} corrections, ${failures} failures, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return failures === 0 && view.status === 'completed_successfully' ? 0 : 3;
}

/** Stop following on Ctrl-C (the batch goes on); a second Ctrl-C exits at once. */
function interruptible(): { signal: AbortSignal; dispose: () => void } {
  const abort = new AbortController();
  const onSigint = (): void => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: abort.signal, dispose: () => process.off('SIGINT', onSigint) };
}

const USAGE_SUBMIT =
  'huleedu submit <folder> [--api URL] [--token T] [--out DIR] [--format html|json|csv] [--course CODE]';
const USAGE_STATUS =
  'huleedu status <batch_id> [--api URL] [--token T] [--out DIR] [--format html|json|csv]';

/** The report format of `--format` (html unless json or csv). */
function reportFormat(value: string | undefined, usage: string): 'html' | 'json' | 'csv' {
  const format = value ?? 'html';
  if (format !== 'html' && format !== 'json' && format !== 'csv') throw new UsageError(usage);
  return format;
}

/** `huleedu submit <folder>`: upload a folder as one batch and follow it to the end. */
export async function submitCommand(
  argv: string[],
  print: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      token: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      course: { type: 'string' },
    },
  });
  const folder = positionals[0];
  if (!folder || positionals.length > 1) throw new UsageError(USAGE_SUBMIT);
  const format = reportFormat(values.format, USAGE_SUBMIT);
  const input = resolve(folder);
  const files = statSync(input).isDirectory()
    ? readdirSync(input)
        .filter((f) => ACCEPTED.has(extname(f).toLowerCase()))
        .sort()
        .map((f) => join(input, f))
    : [input];
  if (files.length === 0) throw new Error(`no .txt, .docx or .pdf files in ${input}`);
  const { api, token } = connection(values);
  const client = new ApiClient(api, token);
  let submitted: Awaited<ReturnType<ApiClient['submitFiles']>>;
  try {
    submitted = await client.submitFiles(files, {
      idempotencyKey: randomUUID(),
      ...(values.course ? { courseCode: values.course } : {}),
    });
  } catch (error) {
    if (error instanceof ApiError && error.problems.length > 0) {
      print(`huleedu submit: ${error.code}: ${error.message}`);
      for (const p of error.problems) print(`  ${p.name}: ${p.problem}`);
      return 1;
    }
    throw error;
  }
  print(`batch ${submitted.batch_id}: ${submitted.essays.length} essays submitted to ${api}`);
  return followInterruptibly(
    submitted.batch_id,
    submitted.essays.length,
    api,
    token,
    { out: values.out, format },
    print,
  );
}

/** Follow and report with Ctrl-C stopping the following (not the batch). */
async function followInterruptibly(
  batchId: string,
  total: number,
  api: string,
  token: string,
  result: { out: string | undefined; format: 'html' | 'json' | 'csv' },
  print: (line: string) => void,
): Promise<number> {
  const { signal, dispose } = interruptible();
  try {
    return await followAndReport(batchId, total, {
      api,
      token,
      ...result,
      print,
      tty: process.stdout.isTTY === true,
      signal,
    });
  } finally {
    dispose();
  }
}

/** `huleedu status <batch_id>`: follow a submitted batch to its end and report it. */
export async function statusCommand(
  argv: string[],
  print: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      token: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
    },
  });
  const batchId = positionals[0];
  if (!batchId || positionals.length > 1) throw new UsageError(USAGE_STATUS);
  const format = reportFormat(values.format, USAGE_STATUS);
  const { api, token } = connection(values);
  const view = await new ApiClient(api, token).batch(batchId);
  return followInterruptibly(
    batchId,
    view.essay_count,
    api,
    token,
    { out: values.out, format },
    print,
  );
}

/** `huleedu token --sub <teacher> [--expires-in SECONDS]`: a development token. */
export function tokenCommand(argv: string[], print: (line: string) => void): number {
  const { values } = parseArgs({
    args: argv,
    options: { sub: { type: 'string' }, 'expires-in': { type: 'string' } },
  });
  if (!values.sub) throw new UsageError('huleedu token --sub <teacher> [--expires-in SECONDS]');
  const expires = values['expires-in'] === undefined ? 12 * 3600 : Number(values['expires-in']);
  if (!Number.isInteger(expires) || expires <= 0)
    throw new UsageError('--expires-in takes a whole number of seconds');
  print(developmentToken(values.sub, expires));
  return 0;
}
