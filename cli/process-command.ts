import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { StatelyInspector } from '../actors/inspect/index.ts';
import { ensurePgliteTemplate } from '../db/index.ts';
import { briefFigures, DEFAULT_PIPELINE, PHASES } from '../phases/index.ts';
import { decodeText } from '../services/api/essay-input.ts';
import { FsContentStore } from '../services/content/store/fs-store.ts';
import {
  buildBatchReport,
  REPORT_FORMATS,
  type ReportFormat,
  renderReport,
} from '../services/report/index.ts';
import { SpellingEngine, spellCheckWith } from '../services/spellchecker/spelling/index.ts';
import { defaultCacheDir } from '../services/spellchecker/spelling/spelling-engine.ts';
import { type EmbeddedEssay, type EmbeddedReport, runEmbeddedBatch } from './embedded-pipeline.ts';
import { ProgressLine } from './progress-line.ts';
import { runScript } from './run-script.ts';
import { UsageError } from './usage-error.ts';

export interface ProcessArgs {
  input: string;
  out: string | undefined;
  data: string;
  json: boolean;
  /** The report written beside the corrected texts: report.html (default), .json or .csv. */
  format: ReportFormat;
  /** The Stately inspector's WebSocket URL, to watch the actors live. */
  inspect: string | undefined;
  /** Give up after this many seconds; none by default (the run ends when the batch does). */
  timeoutS: number | undefined;
  /** The phases to run, in order; default every registered phase. */
  pipeline: string[];
}

export const PROCESS_USAGE =
  'huleedu process <folder|file.txt> [--out DIR] [--format html|json|csv] [--data DIR] [--json] [--timeout SECONDS] [--inspect ws://…] [--pipeline spellcheck,metrics]';

/**
 * Parse `process <folder|file> [--out DIR] [--data DIR] [--json]` and check it before any
 * work: unknown options, a missing value, no input or two, an input that does not exist and an
 * `--out` that is a file or the input folder itself are usage errors.
 */
export function parseProcessArgs(argv: readonly string[]): ProcessArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string' },
      data: { type: 'string', default: '.data/embedded' },
      json: { type: 'boolean', default: false },
      format: { type: 'string', default: 'html' },
      inspect: { type: 'string' },
      timeout: { type: 'string' },
      pipeline: { type: 'string', default: DEFAULT_PIPELINE.join(',') },
    },
  });
  const pipeline = values.pipeline.split(',').map((p) => p.trim());
  const known = PHASES.map((p) => p.name);
  if (pipeline.some((p) => !known.includes(p)) || new Set(pipeline).size < pipeline.length)
    throw new UsageError(
      `--pipeline lists phases, each once, from: ${known.join(', ')}; usage: ${PROCESS_USAGE}`,
    );
  const timeoutS = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutS !== undefined && !(Number.isFinite(timeoutS) && timeoutS > 0))
    throw new UsageError(`--timeout takes a number of seconds; usage: ${PROCESS_USAGE}`);
  if (values.inspect !== undefined && !/^wss?:\/\/\S+$/.test(values.inspect))
    throw new UsageError(`--inspect takes the inspector's ws:// URL; usage: ${PROCESS_USAGE}`);
  const format = values.format as ReportFormat;
  if (!REPORT_FORMATS.includes(format))
    throw new UsageError(`--format is html, json or csv; usage: ${PROCESS_USAGE}`);
  const [input, ...extra] = positionals;
  if (!input || extra.length > 0) throw new UsageError(PROCESS_USAGE);
  if (!existsSync(input)) throw new UsageError(`${input} does not exist; usage: ${PROCESS_USAGE}`);
  const out = values.out;
  if (out !== undefined) {
    if (out === '') throw new UsageError(`--out needs a folder; usage: ${PROCESS_USAGE}`);
    if (existsSync(out) && !statSync(out).isDirectory())
      throw new UsageError(`--out ${out} is a file, not a folder`);
    if (existsSync(out) && realpathSync(out) === realpathSync(input))
      throw new UsageError(
        `--out ${out} is the input folder: the corrected texts would overwrite the essays`,
      );
  }
  return {
    input,
    out,
    data: values.data,
    json: values.json,
    format,
    inspect: values.inspect,
    timeoutS,
    pipeline,
  };
}

/**
 * The `.txt` files of a folder (or the one file given), sorted. A symbolic link that leads
 * out of the folder, or to anything but a file, is left out with a warning.
 */
function essayFiles(input: string, warn: (line: string) => void): string[] {
  if (!statSync(input).isDirectory()) return [input];
  const root = realpathSync(input);
  const files: string[] = [];
  for (const entry of readdirSync(input, { withFileTypes: true })) {
    if (!entry.name.endsWith('.txt')) continue;
    const path = join(input, entry.name);
    if (entry.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(path);
      } catch {
        warn(`skipped ${entry.name}: a symbolic link to nothing`);
        continue;
      }
      const inside = relative(root, target);
      if (inside.startsWith('..') || resolve(root, inside) !== target) {
        warn(`skipped ${entry.name}: a symbolic link out of ${input} (to ${target})`);
        continue;
      }
      if (!statSync(target).isFile()) {
        warn(`skipped ${entry.name}: a symbolic link to something that is not a file`);
        continue;
      }
    } else if (!entry.isFile()) {
      warn(`skipped ${entry.name}: not a file`);
      continue;
    }
    files.push(path);
  }
  return files.sort();
}

/** A text read again after the check: a file that changed meanwhile into something else fails. */
async function readEssay(path: string): Promise<string> {
  const decoded = decodeText(await readFile(path));
  if ('problem' in decoded)
    throw new Error(`${basename(path)} changed while it was processed: it now ${decoded.problem}`);
  return decoded.text;
}

/** Write to standard output, waiting while the pipe is full. */
function writeStdout(chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * The report as one line of JSON (what `JSON.stringify` gives), written an essay at a time: a
 * batch of thousands of corrected texts is never one string in memory, nor one buffer queued on
 * the pipe (its end was the run's memory peak).
 */
async function writeJsonLine(
  report: EmbeddedReport,
  write: (chunk: string) => Promise<void>,
): Promise<void> {
  const { essays, ...rest } = report;
  const head = JSON.stringify({
    batchId: rest.batchId,
    outcome: rest.outcome,
    phases: rest.phases,
  });
  await write(`${head.slice(0, -1)},"essays":[`);
  for (let i = 0; i < essays.length; i += 64)
    await write(
      `${i > 0 ? ',' : ''}${essays
        .slice(i, i + 64)
        .map((e) => JSON.stringify(e))
        .join(',')}`,
    );
  await write(`],"seconds":${JSON.stringify(rest.seconds)}}\n`);
}

/** `huleedu process`: run a folder of essays through the embedded pipeline (no servers). */
export async function processCommand(
  args: ProcessArgs,
  print: (line: string) => void,
  warn: (line: string) => void = (line) => console.error(`huleedu process: ${line}`),
  write: (chunk: string) => Promise<void> = writeStdout,
): Promise<EmbeddedReport> {
  const input = resolve(args.input);
  const files = essayFiles(input, warn);
  if (files.length === 0) throw new Error(`no .txt files in ${input}`);
  // Decoded strictly: a Latin-1 or binary file is reported by name and left out, never
  // "corrected" as mangled text (bug: "Café" came back as "Caf\uFFFD"). A file that cannot be
  // read is reported by name too, and the rest of the batch goes on.
  // Each file is read here to check it, and again when its text is stored: the texts of a large
  // folder are never all in memory.
  const essays: (EmbeddedEssay & { path: string })[] = [];
  for (const f of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(f);
    } catch (error) {
      warn(`skipped ${basename(f)}: ${(error as Error).message}`);
      continue;
    }
    const decoded = decodeText(bytes);
    if ('problem' in decoded) warn(`skipped ${basename(f)}: it ${decoded.problem}`);
    else essays.push({ name: basename(f), path: f, read: () => readEssay(f) });
  }
  if (essays.length === 0) throw new Error(`no readable .txt essays in ${input}`);
  const data = resolve(args.data);
  mkdirSync(data, { recursive: true });
  const cache = defaultCacheDir();
  // The index and the lexicon's junk list (built together; an older cache may lack the list).
  const cached = existsSync(cache) ? readdirSync(cache) : [];
  const built = (family: RegExp) => cached.some((f) => family.test(f));
  if (!built(/^symspell-en-.*\.bin$/) || !built(/^junk-en-.*\.txt$/)) {
    warn(`building the spelling index (first run only, ~20 s; cached in ${cache})`);
    // In a process of its own: the build's memory peak is not this run's to carry.
    await runScript('services/spellchecker/spelling/build-index');
  }
  // Likewise the database template (initdb), and before the engine loads here: the machine then
  // holds the build's peak beside a small process, not beside the loaded engine.
  const buildTemplate = (dir: string) => runScript('db/build-pglite-template', [dir]);
  await ensurePgliteTemplate(cache, buildTemplate);
  // Progress while it works (not with --json, whose output is one object).
  const bar = args.json
    ? undefined
    : new ProgressLine(essays.length, {
        tty: process.stdout.isTTY === true,
        write: (text) => process.stdout.write(text),
      });
  const inspector = args.inspect
    ? new StatelyInspector({ url: args.inspect, onProblem: (m) => warn(m) })
    : undefined;
  const report = await runEmbeddedBatch({
    ...(inspector ? { observer: inspector } : {}),
    essays,
    // No fsync per text: the embedded database runs without one either (see FsContentStore).
    store: new FsContentStore(join(data, 'content'), { sync: false }),
    databaseUrl: `pglite://${join(data, 'pglite')}`,
    pgliteTemplates: cache,
    buildPgliteTemplate: buildTemplate,
    // Held by the run only: once it returns, the engine (like the closed database) can be
    // collected before the outputs are built, which is when the process peaks.
    spellCheck: spellCheckWith(new SpellingEngine()),
    onProgress: (done, total) => bar?.update(done, done === total),
    ...(args.timeoutS ? { timeoutMs: args.timeoutS * 1000 } : {}),
    pipeline: args.pipeline,
  });
  bar?.finish();
  if (inspector) {
    // Give the inspector what is still queued (a few seconds at most), then let go.
    const until = Date.now() + 3_000;
    while (inspector.adapter.queued > 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    if (inspector.adapter.dropped > 0)
      warn(`the inspector missed ${inspector.adapter.dropped} events (it was away or slow)`);
    inspector.stop();
  }
  let reportFile: string | undefined;
  if (args.out) {
    const out = resolve(args.out);
    mkdirSync(out, { recursive: true });
    for (const e of report.essays)
      if (e.correctedText !== null) writeFileSync(join(out, e.name), e.correctedText);
    const paths = new Map(essays.map((e) => [e.name, e.path]));
    const withTexts = [];
    for (const e of report.essays) {
      const path = paths.get(e.name);
      withTexts.push({ ...e, text: path ? await readEssay(path) : null });
    }
    const teacherReport = buildBatchReport(
      { batchId: report.batchId, status: report.outcome },
      withTexts,
    );
    reportFile = join(out, `report.${args.format}`);
    writeFileSync(reportFile, renderReport(teacherReport, args.format));
  }
  if (args.json) {
    await writeJsonLine(report, write);
  } else {
    print(
      `batch ${report.batchId}: ${report.outcome} (${report.essays.length} essays, ${report.seconds.toFixed(2)} s)`,
    );
    for (const e of report.essays) {
      const brief = briefFigures(e.results);
      const metrics = brief ? `\t${brief}` : '';
      print(
        `  ${e.name}\t${e.status}\t${e.correctionsMade ?? '-'} corrections${metrics}${e.error ? `\t${e.error.code}: ${e.error.message}` : ''}`,
      );
    }
    const corrections = report.essays.reduce((n, e) => n + (e.correctionsMade ?? 0), 0);
    const failed = report.essays.filter((e) => e.status !== 'essay_all_processing_completed');
    print(
      `${report.essays.length} essays, ${corrections} corrections, ${failed.length} failed, ${report.seconds.toFixed(1)} s`,
    );
    if (args.out) print(`corrected texts written to ${resolve(args.out)}`);
    if (reportFile) print(`report: ${reportFile}`);
  }
  return report;
}
