/** The viewer's page: markup and styles only; the behaviour is /inspect/viewer.js. */
export const VIEWER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>HuleEdu viewer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/inspect/viewer.css">
<script src="/inspect/viewer.js" defer></script>
</head>
<body>
<header><h1>HuleEdu viewer</h1><span id="live" aria-live="polite"></span></header>
<main>
<form id="login" class="bar">
  <label>Token <input id="token" type="password" autocomplete="off" placeholder="a teacher's bearer token"></label>
  <button type="submit">Use token</button>
</form>
<form id="open" class="bar">
  <label>Batch <input id="batch-id" list="batches" placeholder="batch id"></label>
  <datalist id="batches"></datalist>
  <button type="submit">Open</button>
</form>
<p id="error" role="alert"></p>
<section aria-labelledby="charts-title">
  <h2 id="charts-title">State charts</h2>
  <figure><figcaption>Batch</figcaption><svg id="batch-chart" aria-label="batch state chart"></svg></figure>
  <figure><figcaption>Essay (numbers: this batch's essays in each state)</figcaption><svg id="essay-chart" aria-label="essay state chart"></svg></figure>
</section>
<section id="batch-view" hidden aria-labelledby="batch-title">
  <h2 id="batch-title"></h2>
  <div id="groups"></div>
</section>
<section id="essay-view" hidden aria-labelledby="essay-title">
  <h2 id="essay-title"></h2>
  <div class="bar" role="group" aria-label="time travel">
    <button id="first" type="button" aria-label="first step">«</button>
    <button id="prev" type="button" aria-label="previous step">‹</button>
    <input id="travel" type="range" min="0" max="0" value="0" aria-label="step">
    <button id="next" type="button" aria-label="next step">›</button>
    <button id="last" type="button" aria-label="last step">»</button>
    <span id="step" aria-live="polite"></span>
  </div>
  <div class="essay">
    <svg id="essay-detail-chart" aria-label="the essay's state chart"></svg>
    <ol id="timeline"></ol>
  </div>
</section>
</main>
</body>
</html>
`;

export const VIEWER_CSS = `
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--line:#8a8a8a;--node:#f3f5f8;--now:#ffd54f;--final:#2e7d32}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#161616;--node:#262a30;--now:#8d6e00}}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:0 1rem 2rem}
header{display:flex;gap:1rem;align-items:baseline}h1{font-size:1.4rem}
.bar{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
input{font:inherit;padding:.25rem .4rem;min-width:18rem}button{font:inherit;padding:.25rem .6rem;cursor:pointer}
figure{margin:0 0 1rem}svg{width:100%;height:auto;max-height:420px}
.node rect{fill:var(--node);stroke:var(--line);stroke-width:1.5}.node.final rect.inner{fill:none;stroke:var(--final)}
.node.current rect:first-of-type{fill:var(--now);stroke:var(--fg);stroke-width:3}
.node text{fill:var(--fg);font-size:13px}.node .count{font-weight:700;font-size:14px}
.edge path{fill:none;stroke:var(--line);stroke-width:1.2}.edge text{fill:var(--fg);font-size:10px;paint-order:stroke;stroke:var(--bg);stroke-width:3px;stroke-linejoin:round}
.arrowhead{fill:var(--line)}
#groups{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:1rem}
#groups ul{list-style:none;padding:0;margin:0}#groups button{width:100%;text-align:left;margin:.1rem 0}
.essay{display:grid;grid-template-columns:2fr 1fr;gap:1rem}@media (max-width:800px){.essay{grid-template-columns:1fr}}
#timeline li{cursor:pointer;padding:.1rem .3rem;font-family:ui-monospace,monospace;font-size:13px}#timeline li.current{background:var(--now)}
#error{color:#c62828}
`;
