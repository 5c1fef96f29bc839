import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { decodeText } from '../services/api/essay-input.ts';
import { FsContentStore } from '../services/content/store/fs-store.ts';
import { SpellingEngine, spellCheckWith } from '../services/spellchecker/spelling/index.ts';
import { type EmbeddedReport, runEmbeddedBatch } from './embedded-pipeline.ts';

export interface ProcessArgs {
  input: string;
  out: string | undefined;
  data: string;
  json: boolean;
}

/** Parse `process <folder|file> [--out DIR] [--data DIR] [--json]`. */
export function parseProcessArgs(argv: readonly string[]): ProcessArgs | string {
  let input: string | undefined;
  let out: string | undefined;
  let data = '.data/embedded';
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--out') out = argv[++i];
    else if (a === '--data') data = argv[++i] ?? data;
    else if (a === '--json') json = true;
    else if (a.startsWith('--')) return `unknown option ${a}`;
    else input = a;
  }
  if (!input) return 'process needs a folder of .txt essays (or one .txt file)';
  return { input, out, data, json };
}

/** `huleedu process`: run a folder of essays through the embedded pipeline (no servers). */
export async function processCommand(
  args: ProcessArgs,
  print: (line: string) => void,
  warn: (line: string) => void = (line) => console.error(`huleedu process: ${line}`),
): Promise<EmbeddedReport> {
  const input = resolve(args.input);
  const files = statSync(input).isDirectory()
    ? readdirSync(input)
        .filter((f) => f.endsWith('.txt'))
        .sort()
        .map((f) => join(input, f))
    : [input];
  if (files.length === 0) throw new Error(`no .txt files in ${input}`);
  // Decoded strictly: a Latin-1 or binary file is reported by name and left out, never
  // "corrected" as mangled text (bug: "Café" came back as "Caf\uFFFD").
  const essays: { name: string; text: string }[] = [];
  for (const f of files) {
    const decoded = decodeText(readFileSync(f));
    if ('problem' in decoded) warn(`skipped ${basename(f)}: it ${decoded.problem}`);
    else essays.push({ name: basename(f), text: decoded.text });
  }
  if (essays.length === 0) throw new Error(`no readable .txt essays in ${input}`);
  const data = resolve(args.data);
  mkdirSync(data, { recursive: true });
  const report = await runEmbeddedBatch({
    essays,
    store: new FsContentStore(join(data, 'content')),
    databaseUrl: `pglite://${join(data, 'pglite')}`,
    spellCheck: spellCheckWith(new SpellingEngine()),
  });
  if (args.out) {
    mkdirSync(resolve(args.out), { recursive: true });
    for (const e of report.essays)
      if (e.correctedText !== null) writeFileSync(join(resolve(args.out), e.name), e.correctedText);
  }
  if (args.json) {
    print(JSON.stringify(report));
  } else {
    print(
      `batch ${report.batchId}: ${report.outcome} (${report.essays.length} essays, ${report.seconds.toFixed(2)} s)`,
    );
    for (const e of report.essays) {
      print(
        `  ${e.name}\t${e.status}\t${e.correctionsMade ?? '-'} corrections${e.error ? `\t${e.error.code}: ${e.error.message}` : ''}`,
      );
    }
    if (args.out) print(`corrected texts written to ${resolve(args.out)}`);
  }
  return report;
}
