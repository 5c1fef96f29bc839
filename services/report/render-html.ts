import type { BatchReport, EssayReport } from './batch-report.ts';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const KIND_LABEL: Record<string, string> = {
  spelling: 'spelling',
  split: 'words split',
  joined: 'words joined',
  capitalisation: 'capital letter',
  apostrophe: 'apostrophe',
  context: 'word in context',
};

/** The essay's text with each correction in place: the original struck through, the replacement inserted. */
function textWithCorrections(e: EssayReport): string {
  if (e.text === null) return '<p class="muted">The text could not be read back.</p>';
  let out = '';
  let at = 0;
  for (const c of e.corrections) {
    out += esc(e.text.slice(at, c.start));
    const label = `${KIND_LABEL[c.kind] ?? c.kind}: ${c.original} → ${c.replacement}`;
    out += `<span class="fix" title="${esc(label)}"><del aria-label="was">${esc(c.original)}</del><ins aria-label="now">${esc(c.replacement)}</ins></span>`;
    at = c.end;
  }
  out += esc(e.text.slice(at));
  return `<div class="text">${out}</div>`;
}

/** The figures each phase presents for the essay (text metrics), as short lists. */
function figureLists(e: EssayReport): string {
  return e.figures
    .map(
      (r) =>
        `<dl class="figures" aria-label="${esc(r.title)}">${r.figures.map((f) => `<dt>${esc(f.label)}</dt><dd>${esc(f.shown)}</dd>`).join('')}</dl>`,
    )
    .join('');
}

function essaySection(e: EssayReport, i: number): string {
  const failed = e.status !== 'essay_all_processing_completed';
  const summary = failed
    ? `<p class="failed" role="status">Not corrected: ${esc(e.error ? `${e.error.message} (${e.error.code})` : e.status)}</p>`
    : `<p>${e.corrections.length === 0 ? 'No corrections.' : `${e.corrections.length} correction${e.corrections.length === 1 ? '' : 's'}.`}</p>`;
  const list =
    e.corrections.length === 0
      ? ''
      : `<details><summary>List of corrections</summary><table><thead><tr><th scope="col">was</th><th scope="col">now</th><th scope="col">kind</th></tr></thead><tbody>${e.corrections
          .map(
            (c) =>
              `<tr><td>${esc(c.original)}</td><td>${esc(c.replacement)}</td><td>${esc(KIND_LABEL[c.kind] ?? c.kind)}</td></tr>`,
          )
          .join('')}</tbody></table></details>`;
  return `<section aria-labelledby="essay-${i}"><h2 id="essay-${i}">${esc(e.name)}</h2>${summary}${figureLists(e)}${textWithCorrections(e)}${list}</section>`;
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--del:#b3261e;--ins:#0b6b2f;--muted:#666}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#161616;--del:#ff8a80;--ins:#7ee2a8;--muted:#aaa}}
body{font:1rem/1.6 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:48rem;padding:1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-top:1px solid var(--muted);padding-top:1rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
del{color:var(--del);text-decoration:line-through}ins{color:var(--ins);text-decoration:underline;font-weight:600;margin-left:.15em}
.failed{color:var(--del);font-weight:600}.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid var(--muted)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
`;

/**
 * The teacher's report: one self-contained, accessible HTML page (no external assets, readable
 * on a phone): the batch totals, then each essay's text with its corrections in place and the
 * reason for any essay that failed.
 */
export function renderReportHtml(report: BatchReport): string {
  const t = report.totals;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Corrections: batch ${esc(report.batchId)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Corrections</h1>
<dl>
<dt>Batch</dt><dd>${esc(report.batchId)} (${esc(report.status)})</dd>
<dt>Essays</dt><dd>${t.essays} (${t.corrected} corrected, ${t.failed} failed)</dd>
<dt>Corrections</dt><dd>${t.corrections}</dd>
<dt>Made</dt><dd><time datetime="${report.generatedAt}">${report.generatedAt.replace('T', ' ').slice(0, 16)} UTC</time></dd>
</dl>
${report.essays.map(essaySection).join('\n')}
</main>
</body>
</html>
`;
}
