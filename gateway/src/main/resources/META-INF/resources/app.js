// mtlab dashboard: study list, live run progress and gradient statistics (server-sent events), report and verdict.
(function () {
  'use strict';
  const TERMINAL = ['COMPLETED', 'FINISHED_WITH_FAILURES', 'CANCELLED'];
  const OPTIMIZER_COLOURS = ['#2f6fdb', '#e8590c', '#2b8a3e', '#862e9c', '#c92a2a', '#0b7285', '#5c940d', '#a61e4d'];
  let current = null; // {id, source, cosine: Map, magnitude: Map, report, reportTries, completedRuns, timer}
  const charts = {};

  function $(sel) { return document.querySelector(sel); }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (k === 'class') e.className = v; else e.setAttribute(k, v); });
    children.flat().forEach(c => e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c))));
    return e;
  }
  function fmt(x, digits) { return x == null || !isFinite(x) ? '–' : Number(x).toFixed(digits == null ? 4 : digits); }
  function spread(s, digits) { return s ? fmt(s.mean, digits) + ' ± ' + fmt(s.std, digits) : '–'; }
  async function getJson(url) {
    const r = await fetch(url, {headers: {Accept: 'application/json'}});
    if (!r.ok) { const e = new Error(url + ': ' + r.status); e.status = r.status; throw e; }
    return r.json();
  }
  function chart(id) {
    if (!charts[id]) { charts[id] = echarts.init(document.getElementById(id)); }
    return charts[id];
  }
  window.addEventListener('resize', () => Object.values(charts).forEach(c => c.resize()));

  // ---- study list ----
  async function loadStudies() {
    try {
      const studies = await getJson('/api/studies');
      const list = $('#study-list');
      list.replaceChildren();
      if (studies.length === 0) { list.append(el('li', {class: 'empty muted'}, 'no studies yet')); }
      studies.forEach(s => {
        const li = el('li', {class: 'study' + (current && current.id === s.id ? ' selected' : ''), 'data-id': s.id},
          el('span', {class: 'name', title: s.name}, s.name), el('span', {class: 'status ' + s.status}, s.status));
        li.addEventListener('click', () => { location.hash = s.id; });
        list.append(li);
      });
    } catch (e) {
      if (e.status === 401) { $('#signin').hidden = false; }
      console.warn(e);
    }
  }

  // the API needs a bearer token; the browser keeps it as a cookie, which EventSource sends too
  $('#signin').addEventListener('submit', ev => {
    ev.preventDefault();
    document.cookie = 'mtlab_token=' + encodeURIComponent($('#token').value.trim()) + '; path=/; SameSite=Strict';
    $('#signin').hidden = true;
    loadStudies();
    route();
  });

  // ---- one study ----
  function selectStudy(id) {
    if (current) { closeStudy(); }
    current = {id, source: null, cosine: new Map(), magnitude: new Map(), report: null, reportTries: 0,
               completedRuns: -1, tasks: []};
    document.querySelectorAll('#study-list li.study').forEach(li => li.classList.toggle('selected', li.dataset.id === id));
    $('#study').hidden = false;
    $('#study-id').textContent = id;
    $('#stl-mtl').replaceChildren(el('p', {class: 'muted'}, 'the table appears when runs have finished'));
    $('#verdict').replaceChildren(el('p', {class: 'muted'}, 'the verdict appears when the study has ended'));
    ['cosine-chart', 'magnitude-chart', 'pareto-chart'].forEach(c => chart(c).clear());
    renderLines();
    getJson('/api/studies/' + id).then(renderStudy).catch(e => { $('#study-name').textContent = 'study ' + id + ' not found'; });
    const source = new EventSource('/api/studies/' + id + '/events');
    current.source = source;
    $('#live').hidden = false;
    const mine = current;
    source.onmessage = (m) => {
      if (current !== mine) { return; }
      const event = JSON.parse(m.data);
      renderStudy(event.study);
      appendPoints(event.gradients || []);
      if (event.last) { stopLive(); }
    };
    source.onerror = () => { if (mine.finished) { stopLive(); } };
  }
  function stopLive() {
    if (current && current.source) { current.source.close(); current.source = null; }
    $('#live').hidden = true;
  }
  function closeStudy() {
    stopLive();
    if (current.timer) { clearTimeout(current.timer); }
    current = null;
  }

  function renderStudy(study) {
    if (!current || study.id !== current.id) { return; }
    $('#study-name').textContent = study.name;
    const status = $('#study-status');
    status.textContent = study.status;
    status.className = 'status ' + study.status;
    document.querySelectorAll('#study-list li.study').forEach(li => {
      if (li.dataset.id === study.id) { const b = li.querySelector('.status'); b.textContent = study.status; b.className = 'status ' + study.status; }
    });
    current.finished = TERMINAL.includes(study.status);
    current.tasks = (study.spec && study.spec.tasks || []).map(t => t.name);
    fillTaskSelectors(current.tasks);
    const body = $('#runs tbody');
    body.replaceChildren(...study.runs.map(r => el('tr', {'data-run': r.id},
      el('td', {}, r.label), el('td', {}, el('span', {class: 'status ' + r.status}, r.status)),
      el('td', {}, r.step + ' / ' + r.totalSteps),
      el('td', {}, el('progress', {max: '1', value: String(r.progress)}), ' ' + Math.round(r.progress * 100) + '%'))));
    const completed = study.runs.filter(r => r.status === 'COMPLETED' || r.status === 'FAILED').length;
    if (completed !== current.completedRuns) {
      current.completedRuns = completed;
      if (completed > 0) { current.reportTries = 0; loadReport(); }
    }
  }

  // ---- gradient series (built here from each event's running-mean point) ----
  function appendPoints(points) {
    points.forEach(p => {
      (p.pairs || []).forEach(pair => {
        const name = p.label + ' ' + pair.taskA + '/' + pair.taskB;
        push(current.cosine, name, p.step, pair.cosineMean);
        push(current.magnitude, name, p.step, pair.magnitudeMean);
      });
    });
    if (points.length) { renderLines(); }
  }
  function push(map, name, step, value) {
    if (value == null) { return; }
    if (!map.has(name)) { map.set(name, []); }
    const data = map.get(name);
    if (data.length && data[data.length - 1][0] >= step) { return; }
    data.push([step, value]);
  }
  function lineOption(map, yName, yMin, yMax) {
    return {
      animation: false,
      tooltip: {trigger: 'axis'},
      legend: {type: 'scroll', top: 0},
      grid: {left: 50, right: 20, top: 40, bottom: 40},
      xAxis: {type: 'value', name: 'step', nameLocation: 'middle', nameGap: 25, min: 'dataMin'},
      // zoomed to the data, within [yMin, yMax], with 0 kept in view for the cosine
      yAxis: {type: 'value', name: yName,
        min: v => Math.max(yMin, Math.floor((Math.min(v.min, yMin < 0 ? 0 : v.min) - 0.05) * 20) / 20),
        max: v => Math.min(yMax, Math.ceil((Math.max(v.max, yMin < 0 ? 0 : v.max) + 0.05) * 20) / 20)},
      series: [...map.entries()].map(([name, data]) => ({name, type: 'line', showSymbol: false, data,
        markLine: yMin < 0 ? {silent: true, symbol: 'none', data: [{yAxis: 0}], lineStyle: {color: '#999'}} : undefined}))
    };
  }
  function renderLines() {
    chart('cosine-chart').setOption(lineOption(current.cosine, 'cosine', -1, 1), true);
    chart('magnitude-chart').setOption(lineOption(current.magnitude, 'magnitude similarity', 0, 1), true);
  }

  // ---- report: STL vs MTL, Pareto scatter, verdict ----
  async function loadReport() {
    const mine = current;
    if (!mine) { return; }
    if (mine.timer) { clearTimeout(mine.timer); mine.timer = null; }
    try {
      const report = await getJson('/api/studies/' + mine.id + '/report');
      if (current !== mine) { return; }
      mine.report = report;
      renderReport(report);
      // the analysis may lag the gateway by a flush: read again until it has every finished run
      const incomplete = (report.stlBaselines || []).length < (report.tasks || []).length
        || !(report.configurations || []).length;
      if (report.finishedRuns < mine.completedRuns || (mine.finished && (!report.verdict || incomplete))) { retry(mine); }
    } catch (e) {
      if (current === mine) {
        if (e.status === 503) { $('#verdict').replaceChildren(el('p', {class: 'muted'}, 'analysis service unavailable, retrying…')); }
        retry(mine);
      }
    }
  }
  function retry(mine) {
    if (mine.reportTries++ < 60) { mine.timer = setTimeout(loadReport, 2000); }
  }

  function renderReport(report) {
    renderTable(report);
    renderPareto(report);
    renderVerdict(report);
  }

  function renderTable(report) {
    const tasks = report.tasks || [];
    const head = el('tr', {}, el('th', {}, 'configuration'), tasks.map(t => el('th', {}, t)),
      el('th', {}, 'Δm% (lower is better)'), el('th', {}, 'Pareto-optimal'));
    const rows = [];
    (report.stlBaselines || []).forEach(b => {
      rows.push(el('tr', {class: 'stl'}, el('td', {}, 'STL ' + b.bestOptimizer + ' [' + b.task + ']'),
        tasks.map(t => el('td', {class: t === b.task ? 'best' : ''}, t === b.task ? spread(b.value) : '')),
        el('td', {}, ''), el('td', {}, '')));
    });
    (report.configurations || []).forEach(c => {
      rows.push(el('tr', {class: 'mtl'}, el('td', {}, 'MTL ' + c.label),
        tasks.map(t => el('td', {}, spread(c.perTask && c.perTask[t]))),
        el('td', {}, spread(c.deltaMPercent)), el('td', {}, c.paretoOptimal ? 'yes' : 'no')));
    });
    const table = el('table', {id: 'stl-mtl-table'}, el('thead', {}, head), el('tbody', {}, rows));
    const note = el('p', {class: 'muted'}, (report.finishedRuns || 0) + ' of ' + (report.runsKnown || 0)
      + ' runs finished; test metric mean ± std over seeds. ' + (report.deltaMConventions || ''));
    $('#stl-mtl').replaceChildren(table, note);
  }

  function fillTaskSelectors(tasks) {
    const x = $('#pareto-x'), y = $('#pareto-y');
    if (x.options.length === tasks.length && tasks.length) { return; }
    [x, y].forEach((s, i) => {
      s.replaceChildren(...tasks.map(t => el('option', {value: t}, t)));
      s.value = tasks[Math.min(i, tasks.length - 1)] || '';
      s.onchange = () => { if (current && current.report) { renderPareto(current.report); } };
    });
  }

  function renderPareto(report) {
    const tx = $('#pareto-x').value, ty = $('#pareto-y').value;
    const byOptimizer = new Map();
    (report.configurations || []).forEach(c => {
      const px = c.perTask && c.perTask[tx], py = c.perTask && c.perTask[ty];
      if (!px || !py) { return; }
      if (!byOptimizer.has(c.optimizer)) { byOptimizer.set(c.optimizer, []); }
      byOptimizer.get(c.optimizer).push({value: [px.mean, py.mean], name: c.label,
        symbol: c.paretoOptimal ? 'diamond' : 'circle', symbolSize: c.paretoOptimal ? 16 : 10});
    });
    const series = [...byOptimizer.entries()].map(([optimizer, data], i) => ({name: optimizer, type: 'scatter', data,
      itemStyle: {color: OPTIMIZER_COLOURS[i % OPTIMIZER_COLOURS.length]}}));
    const stl = report.pareto && report.pareto.stlPoint;
    if (stl && stl[tx] != null && stl[ty] != null) {
      series.push({name: 'STL baseline', type: 'scatter', symbol: 'triangle', symbolSize: 14,
        itemStyle: {color: '#222'}, data: [{value: [stl[tx], stl[ty]], name: 'STL'}]});
    }
    chart('pareto-chart').setOption({
      animation: false,
      legend: {top: 0},
      tooltip: {formatter: p => p.data.name + '<br>' + tx + ' ' + fmt(p.data.value[0]) + ', ' + ty + ' ' + fmt(p.data.value[1])},
      grid: {left: 60, right: 20, top: 40, bottom: 45},
      xAxis: {type: 'value', name: tx, nameLocation: 'middle', nameGap: 28, scale: true},
      yAxis: {type: 'value', name: ty, scale: true},
      series
    }, true);
  }

  function renderVerdict(report) {
    const v = report.verdict;
    const box = $('#verdict');
    if (!v || !current.finished) {
      box.replaceChildren(el('p', {class: 'muted'}, 'the verdict appears when the study has ended'));
      return;
    }
    const parts = [el('p', {class: 'answer ' + v.answer}, v.answer.replace(/_/g, ' ')), el('p', {class: 'summary'}, v.summary)];
    if (v.recommended) { parts.push(el('p', {}, 'Recommended: ' + v.recommended.sentence)); }
    if (v.perTask && v.perTask.length) { parts.push(el('ul', {}, v.perTask.map(t => el('li', {}, t.sentence)))); }
    if (v.warnings && v.warnings.length) { parts.push(el('ul', {class: 'warnings'}, v.warnings.map(w => el('li', {}, '⚠ ' + w)))); }
    box.replaceChildren(...parts);
  }

  function route() {
    const id = location.hash.replace(/^#/, '');
    if (id && (!current || current.id !== id)) { selectStudy(id); }
  }
  window.addEventListener('hashchange', route);
  loadStudies();
  setInterval(loadStudies, 3000);
  route();
})();
