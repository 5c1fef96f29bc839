/**
 * `huleedu process` end to end (`npm run bench:embedded -- [--essays N] [--large N] [--json]`):
 * a folder of N essays (default 1,000) of 400 words (~5% misspelled) through the embedded
 * platform, run as the CLI runs it (its own process, a fresh data directory, warm caches);
 * then a large folder (default 5,000; `--large 0` skips it) for memory. Reports essays/s of
 * the pipeline (opening the database to the last essay's report, as the CLI's own `seconds`)
 * and of the whole run (process start to exit, which adds ~1.5 s of start-up: loading modules
 * through tsx and the spelling engine), the process's peak resident memory (its own VmHWM,
 * not the first run's child builds), and beside them the spelling engine alone on the same
 * essays in this process: the ceiling the pipeline approaches, and a machine-speed reference.
 * JSON: essays_per_s (pipeline), run_essays_per_s, rss_mb, large_essays, large_essays_per_s,
 * large_rss_mb, engine_essays_per_s, engine_share.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpellingEngine, spellCheckWith } from '../services/spellchecker/spelling/index.ts';
import { numberArg, report } from './bench-output.ts';
import { learnerEssay } from './learner-essay.ts';

const ESSAYS = numberArg('essays', 1_000);
// `--large 0` skips the large run (numberArg takes positive numbers only).
const LARGE =
  process.argv[process.argv.indexOf('--large') + 1] === '0' ? 0 : numberArg('large', 5_000);
const ROOT = join(import.meta.dirname, '..');

/** Run `huleedu process` on `folder`; wall seconds, its JSON report and peak RSS (VmHWM). */
async function runProcess(
  folder: string,
  data: string,
): Promise<{ wallS: number; pipelineS: number; essays: number; rssMb: number; output: string }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      // As `npm run huleedu` runs it (package.json).
      '--max-semi-space-size=16',
      '--max-old-space-size=512',
      '--import',
      'tsx',
      'cli/huleedu.ts',
      'process',
      folder,
      '--data',
      data,
      '--json',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  let hwmKb = 0;
  const poll = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
      if (kb > hwmKb) hwmKb = kb;
    } catch {
      // exited between two polls
    }
  }, 20);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearInterval(poll);
  const wallS = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`huleedu process exited ${code}:\n${err.slice(-2000)}`);
  const last = out.trim().split('\n').at(-1) ?? '{}';
  const parsed = JSON.parse(last) as { seconds: number; essays: unknown[]; outcome: string };
  if (parsed.essays.length !== Number(folder.split('-').at(-1)))
    throw new Error(`expected ${folder.split('-').at(-1)} essays, got ${parsed.essays.length}`);
  return {
    wallS,
    pipelineS: parsed.seconds,
    essays: parsed.essays.length,
    rssMb: hwmKb / 1024,
    output: parsed.outcome,
  };
}

const work = mkdtempSync(join(tmpdir(), 'huleedu-bench-embedded-'));
try {
  const folderOf = (n: number) => {
    const dir = join(work, `essays-${n}`);
    mkdirSync(dir);
    for (let i = 0; i < n; i++)
      writeFileSync(join(dir, `essay-${String(i).padStart(5, '0')}.txt`), learnerEssay(i));
    return dir;
  };
  // Warm-up: builds the spelling index cache and the database template when missing.
  await runProcess(folderOf(5), join(work, 'data-warmup'));
  const run = await runProcess(folderOf(ESSAYS), join(work, 'data'));
  const large = LARGE > 0 ? await runProcess(folderOf(LARGE), join(work, 'data-large')) : undefined;

  // The engine alone on the same essays, after the run (so that they do not compete).
  const engine = new SpellingEngine();
  const check = spellCheckWith(engine);
  const texts = Array.from({ length: ESSAYS }, (_, i) => learnerEssay(i));
  for (const t of texts.slice(0, 50)) await check(t, 'en');
  const t0 = performance.now();
  for (const t of texts) await check(t, 'en');
  const engineS = (performance.now() - t0) / 1000;

  const runPerS = ESSAYS / run.wallS;
  const essaysPerS = ESSAYS / run.pipelineS;
  const enginePerS = ESSAYS / engineS;
  const round1 = (x: number) => Math.round(x * 10) / 10;
  report(
    `Embedded mode (huleedu process): ${ESSAYS} essays of 400 words (~5% misspelled), warm index cache, fresh data directory`,
    [
      `pipeline (database opened to the last report): ${run.pipelineS.toFixed(2)} s = ${essaysPerS.toFixed(1)} essays/s (${run.output})`,
      `whole run (process start to exit): ${run.wallS.toFixed(2)} s = ${runPerS.toFixed(1)} essays/s`,
      `peak resident memory of the process: ${run.rssMb.toFixed(0)} MB`,
      ...(large
        ? [
            `${LARGE} essays: pipeline ${large.pipelineS.toFixed(1)} s = ${(LARGE / large.pipelineS).toFixed(1)} essays/s (${large.output}), peak resident memory ${large.rssMb.toFixed(0)} MB`,
          ]
        : []),
      `spelling engine alone, same essays (machine reference): ${enginePerS.toFixed(0)} essays/s; the pipeline reaches ${((100 * essaysPerS) / enginePerS).toFixed(1)}% of it`,
    ],
    {
      essays: ESSAYS,
      essays_per_s: round1(essaysPerS),
      run_essays_per_s: round1(runPerS),
      rss_mb: Math.round(run.rssMb),
      ...(large
        ? {
            large_essays: LARGE,
            large_essays_per_s: round1(LARGE / large.pipelineS),
            large_rss_mb: Math.round(large.rssMb),
          }
        : {}),
      engine_essays_per_s: Math.round(enginePerS),
      engine_share: Math.round((1000 * essaysPerS) / enginePerS) / 1000,
    },
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
