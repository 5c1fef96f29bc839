// The offline viewer's page script (served by the api at /inspect/viewer.js; no build step, no
// external assets). Draws the state charts the api lays out, follows a batch live over its SSE
// feed, and steps through an essay's journal (time travel).
(() => {
  const $ = (sel) => document.querySelector(sel);
  const SVG = 'http://www.w3.org/2000/svg';
  const state = { token: '', charts: null, batch: null, essays: new Map(), source: null };
  /** Counted for tests and curious users: live updates applied without a reload. */
  window.__viewer = { liveUpdates: 0, connected: false };

  const params = new URLSearchParams(location.hash.slice(1));
  state.token = params.get('token') || sessionStorage.getItem('huleedu-token') || '';

  async function api(path) {
    const res = await fetch(path, { headers: { authorization: `Bearer ${state.token}` } });
    if (!res.ok) {
      let message = `${res.status}`;
      try {
        message = (await res.json()).message || message;
      } catch {}
      throw new Error(message);
    }
    return res.json();
  }

  function el(tag, attrs = {}, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Draw a laid-out chart into an <svg>; nodes carry data-state for highlighting. */
  function drawChart(svg, chart) {
    svg.replaceChildren();
    svg.setAttribute('viewBox', `0 0 ${chart.width} ${chart.height}`);
    svg.setAttribute('role', 'img');
    const defs = el('defs');
    const marker = el('marker', {
      id: `${svg.id}-arrow`,
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto-start-reverse',
    });
    marker.append(el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }));
    defs.append(marker);
    svg.append(defs);
    for (const e of chart.edges) {
      const g = el('g', { class: 'edge', 'data-from': e.from, 'data-to': e.to });
      g.append(el('path', { d: e.path, 'marker-end': `url(#${svg.id}-arrow)` }));
      g.append(el('text', { x: e.labelX, y: e.labelY, 'text-anchor': 'middle' }, e.label));
      svg.append(g);
    }
    for (const n of chart.nodes) {
      const g = el('g', {
        class: `node${n.final ? ' final' : ''}${n.initial ? ' initial' : ''}`,
        'data-state': n.name,
      });
      g.append(el('rect', { x: n.x, y: n.y, width: n.width, height: n.height, rx: 10 }));
      if (n.final)
        g.append(
          el('rect', {
            x: n.x + 3,
            y: n.y + 3,
            width: n.width - 6,
            height: n.height - 6,
            rx: 8,
            class: 'inner',
          }),
        );
      g.append(
        el(
          'text',
          { x: n.x + n.width / 2, y: n.y + n.height / 2 + 4, 'text-anchor': 'middle' },
          n.name,
        ),
      );
      const badge = el('text', {
        x: n.x + n.width - 6,
        y: n.y - 4,
        'text-anchor': 'end',
        class: 'count',
      });
      g.append(badge);
      const title = el('title', {}, `${n.name}${n.final ? ' (final)' : ''}`);
      g.append(title);
      svg.append(g);
    }
  }

  function highlight(svg, name) {
    for (const g of svg.querySelectorAll('.node'))
      g.classList.toggle('current', g.dataset.state === name);
    svg.dataset.current = name || '';
  }

  function counts(svg, byState) {
    for (const g of svg.querySelectorAll('.node')) {
      const n = byState.get(g.dataset.state) || 0;
      g.querySelector('.count').textContent = n ? String(n) : '';
      g.dataset.count = String(n);
    }
  }

  function renderBatch() {
    const b = state.batch;
    if (!b) return;
    $('#batch-title').textContent = `Batch ${b.batch_id}: ${b.status}`;
    highlight($('#batch-chart'), b.status);
    const byState = new Map();
    for (const e of state.essays.values()) byState.set(e.status, (byState.get(e.status) || 0) + 1);
    counts($('#essay-chart'), byState);
    const groups = $('#groups');
    groups.replaceChildren();
    for (const [status, n] of [...byState].sort()) {
      const section = document.createElement('section');
      section.dataset.status = status;
      const h = document.createElement('h3');
      h.textContent = `${status} (${n})`;
      section.append(h);
      const list = document.createElement('ul');
      for (const e of state.essays.values()) {
        if (e.status !== status) continue;
        const li = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = e.name;
        button.dataset.essay = e.essay_id;
        button.addEventListener('click', () => openEssay(e.essay_id, e.name));
        li.append(button);
        list.append(li);
      }
      section.append(list);
      groups.append(section);
    }
  }

  async function openBatch(batchId) {
    state.source?.close();
    location.hash = `batch=${encodeURIComponent(batchId)}`;
    const view = await api(`/v1/batches/${encodeURIComponent(batchId)}`);
    state.batch = view;
    state.essays = new Map(view.essays.map((e) => [e.essay_id, e]));
    $('#batch-view').hidden = false;
    renderBatch();
    const url = `/v1/batches/${encodeURIComponent(batchId)}/events?access_token=${encodeURIComponent(state.token)}`;
    const source = new EventSource(url);
    state.source = source;
    source.addEventListener('open', () => {
      window.__viewer.connected = true;
    });
    source.addEventListener('snapshot', (m) => {
      const v = JSON.parse(m.data);
      state.batch = v;
      state.essays = new Map(v.essays.map((e) => [e.essay_id, e]));
      renderBatch();
    });
    source.addEventListener('essay_status', (m) => {
      const change = JSON.parse(m.data);
      const e = state.essays.get(change.essay_id);
      if (e) e.status = change.to_status;
      window.__viewer.liveUpdates++;
      renderBatch();
    });
    source.addEventListener('batch_status', (m) => {
      state.batch.status = JSON.parse(m.data).to_status;
      window.__viewer.liveUpdates++;
      renderBatch();
    });
    source.addEventListener('end', () => {
      source.close();
      $('#live').textContent = 'batch finished';
    });
    $('#live').textContent = 'live';
  }

  async function openEssay(essayId, name) {
    const [essay, timeline] = await Promise.all([
      api(`/v1/essays/${encodeURIComponent(essayId)}`),
      api(`/v1/essays/${encodeURIComponent(essayId)}/timeline`),
    ]);
    $('#essay-view').hidden = false;
    $('#essay-title').textContent = `${name}: ${essay.status}`;
    const svg = $('#essay-detail-chart');
    drawChart(svg, state.charts.essay);
    const steps = timeline.transitions;
    const list = $('#timeline');
    list.replaceChildren();
    steps.forEach((t, i) => {
      const li = document.createElement('li');
      li.dataset.step = String(i);
      li.textContent = `${t.event_type}: ${t.from ?? '(created)'} → ${t.to}${t.rejected ? ' (refused)' : ''}  ${t.at.slice(11, 19)}`;
      li.addEventListener('click', () => show(i));
      list.append(li);
    });
    const slider = $('#travel');
    slider.max = String(Math.max(0, steps.length - 1));
    const show = (i) => {
      const t = steps[i];
      if (!t) return;
      slider.value = String(i);
      highlight(svg, t.to);
      $('#step').textContent = `step ${i + 1} of ${steps.length}: after ${t.event_type} → ${t.to}`;
      for (const li of list.children) li.classList.toggle('current', li.dataset.step === String(i));
    };
    slider.oninput = () => show(Number(slider.value));
    $('#first').onclick = () => show(0);
    $('#prev').onclick = () => show(Math.max(0, Number(slider.value) - 1));
    $('#next').onclick = () => show(Math.min(steps.length - 1, Number(slider.value) + 1));
    $('#last').onclick = () => show(steps.length - 1);
    highlight(svg, essay.status);
    $('#step').textContent = `now: ${essay.status}`;
    svg.dataset.now = essay.status;
  }

  async function listBatches() {
    const list = $('#batches');
    list.replaceChildren();
    const { batches } = await api('/v1/batches?limit=20');
    for (const b of batches) {
      const option = document.createElement('option');
      option.value = b.batch_id;
      option.textContent = `${b.batch_id} (${b.status}, ${b.essay_count} essays)`;
      list.append(option);
    }
  }

  async function start() {
    state.charts = await (await fetch('/inspect/charts.json')).json();
    drawChart($('#batch-chart'), state.charts.batch);
    drawChart($('#essay-chart'), state.charts.essay);
    $('#token').value = state.token;
    $('#login').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      state.token = $('#token').value.trim();
      sessionStorage.setItem('huleedu-token', state.token);
      try {
        await listBatches();
        $('#error').textContent = '';
      } catch (e) {
        $('#error').textContent = `Token refused: ${e.message}`;
      }
    });
    $('#open').addEventListener('submit', (ev) => {
      ev.preventDefault();
      openBatch($('#batch-id').value.trim()).catch((e) => {
        $('#error').textContent = e.message;
      });
    });
    if (state.token) {
      sessionStorage.setItem('huleedu-token', state.token);
      listBatches().catch((e) => {
        $('#error').textContent = `Token refused: ${e.message}`;
      });
    }
    const batch = params.get('batch');
    if (batch && state.token) {
      $('#batch-id').value = batch;
      await openBatch(batch).catch((e) => {
        $('#error').textContent = e.message;
      });
    }
    document.body.dataset.ready = 'true';
  }

  start();
})();
