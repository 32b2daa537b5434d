// mtlab dashboard: study list, live run progress and gradient statistics (server-sent events), report and verdict.
(function () {
  'use strict';
  const TERMINAL = ['COMPLETED', 'FINISHED_WITH_FAILURES', 'CANCELLED'];
  const OPTIMIZER_COLOURS = ['#2f6fdb', '#e8590c', '#2b8a3e', '#862e9c', '#c92a2a', '#0b7285', '#5c940d', '#a61e4d'];
  const SERIES_COLOURS = ['#5470c6', '#91cc75', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc', '#fac858'];
  // what the shaded band and the dashed line of the gradient charts are (the analysis service's BaselineBands)
  const BAND_NOTE = {
    cosine: 'Shaded: single-task baseline — per epoch, the 2.5–97.5th percentile range of the cosine between the '
      + 'gradients of two different samples of the same task (inter-sample noise; the wider of the pair\'s two tasks). '
      + 'Dashed: median cosine of the two tasks\' gradients on the same sample, the like-for-like inter-task figure; '
      + 'below the band = angular conflict beyond single-task noise.',
    magnitude: 'Shaded: single-task baseline — per epoch, the 2.5–97.5th percentile range of the magnitude similarity '
      + 'between the gradients of two different samples of the same task (the wider of the pair\'s two tasks). Dashed: '
      + 'median magnitude similarity of the two tasks\' gradients on the same sample.'
  };
  const NO_BAND = 'No single-task baseline in these runs (telemetry.baselineSamples 0, or none sent yet).';
  let current = null; // {id, source, cosine: Map, magnitude: Map, bands: Map, report, reportTries, completedRuns, timer}
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
      // rebuild only on a change, so a click does not land on an item that is being replaced
      const shown = JSON.stringify(studies.map(s => [s.id, s.name, s.status]));
      if (list.dataset.shown === shown) { return; }
      list.dataset.shown = shown;
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
    current = {id, source: null, cosine: new Map(), magnitude: new Map(), bands: new Map(), colours: new Map(),
               report: null, reportTries: 0, completedRuns: -1, tasks: []};
    document.querySelectorAll('#study-list li.study').forEach(li => li.classList.toggle('selected', li.dataset.id === id));
    $('#study').hidden = false;
    $('#study-id').textContent = id;
    $('#stl-mtl').replaceChildren(el('p', {class: 'muted'}, 'the table appears when runs have finished'));
    $('#verdict').replaceChildren(el('p', {class: 'muted'}, 'the verdict appears when the study has ended'));
    ['cosine-chart', 'magnitude-chart', 'pareto-chart'].forEach(c => chart(c).clear());
    $('#pareto-axes').hidden = false;
    $('#pareto-caption').textContent = SCATTER_CAPTION;
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
        // the whole band so far comes with every point: a page opened late still shows every epoch's band
        if (pair.baseline && pair.baseline.length) { current.bands.set(name, pair.baseline); }
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
  function finite(x) { return typeof x === 'number' && isFinite(x); }
  function colourOf(name) {
    if (!current.colours.has(name)) { current.colours.set(name, SERIES_COLOURS[current.colours.size % SERIES_COLOURS.length]); }
    return current.colours.get(name);
  }
  /**
   * The series of one gradient chart: per run and pair the running-mean line and, when the run sends a single-task
   * baseline, one "baseline" series in the line's colour: the same-sample median (dashed) with, behind it, the band
   * as one shaded rectangle per epoch over the epoch's steps. Returns the series and the bands' value range, which the
   * y axis keeps in view (mark areas do not count in the axis extent).
   */
  function gradientSeries(map, bands, kind) {
    const low = kind + 'Low', high = kind + 'High';
    const median = kind === 'cosine' ? 'sameSampleCosineMedian' : 'sameSampleMagnitudeMedian';
    const series = [];
    let min = Infinity, max = -Infinity;
    const names = [...new Set([...map.keys(), ...bands.keys()])];
    names.forEach(name => {
      const colour = colourOf(name);
      series.push({name, id: 'line:' + name, type: 'line', showSymbol: false, data: map.get(name) || [], z: 3,
        itemStyle: {color: colour}, lineStyle: {color: colour, width: 2}});
      const epochs = (bands.get(name) || []).filter(b => finite(b[low]) && finite(b[high]));
      if (!epochs.length) { return; }
      const areas = [], middle = [];
      epochs.forEach(b => {
        areas.push([{xAxis: b.firstStep, yAxis: b[low]}, {xAxis: b.lastStep, yAxis: b[high]}]);
        min = Math.min(min, b[low]);
        max = Math.max(max, b[high]);
        const m = finite(b[median]) ? b[median] : null;
        middle.push({value: [b.firstStep, m], band: [b[low], b[high]], epoch: b.epoch});
        middle.push({value: [b.lastStep, m], band: [b[low], b[high]], epoch: b.epoch});
      });
      series.push({name: name + ' · baseline', id: 'baseline:' + name, type: 'line', data: middle, symbol: 'none',
        itemStyle: {color: colour}, lineStyle: {color: colour, width: 1.5, type: 'dashed'}, z: 2,
        markArea: {silent: true, itemStyle: {color: colour, opacity: 0.16}, data: areas}});
    });
    return {series, min, max};
  }
  function gradientTooltip(params) {
    const rows = params.map(p => {
      const d = p.data;
      const text = d && d.band ? 'same-sample median ' + fmt(d.value[1], 3) + ', band ' + fmt(d.band[0], 3) + ' … '
        + fmt(d.band[1], 3) + ' (epoch ' + d.epoch + ')' : fmt(Array.isArray(d) ? d[1] : null, 4);
      return p.marker + p.seriesName + ': ' + text;
    });
    return params.length ? 'step ' + params[0].axisValue + '<br>' + rows.join('<br>') : '';
  }
  function lineOption(lines, yName, yMin, yMax) {
    const zero = yMin < 0 ? {silent: true, symbol: 'none', data: [{yAxis: 0}], lineStyle: {color: '#999'}} : undefined;
    lines.series.filter(x => x.id.startsWith('line:')).forEach(x => { x.markLine = zero; });
    // zoomed to the data and the bands, within [yMin, yMax], with 0 kept in view for the cosine
    const lo = v => Math.min(v.min, lines.min, yMin < 0 ? 0 : Infinity);
    const hi = v => Math.max(v.max, lines.max, yMin < 0 ? 0 : -Infinity);
    return {
      animation: false,
      tooltip: {trigger: 'axis', formatter: gradientTooltip},
      legend: {type: 'scroll', top: 0},
      grid: {left: 50, right: 20, top: 40, bottom: 40},
      xAxis: {type: 'value', name: 'step', nameLocation: 'middle', nameGap: 25, min: 'dataMin'},
      yAxis: {type: 'value', name: yName,
        min: v => Math.max(yMin, Math.floor((lo(v) - 0.05) * 20) / 20),
        max: v => Math.min(yMax, Math.ceil((hi(v) + 0.05) * 20) / 20)},
      series: lines.series
    };
  }
  function renderLines() {
    const cosine = gradientSeries(current.cosine, current.bands, 'cosine');
    const magnitude = gradientSeries(current.magnitude, current.bands, 'magnitude');
    chart('cosine-chart').setOption(lineOption(cosine, 'cosine', -1, 1), true);
    chart('magnitude-chart').setOption(lineOption(magnitude, 'magnitude similarity', 0, 1), true);
    const anyBand = current.bands.size > 0;
    $('#cosine-band-note').textContent = anyBand ? BAND_NOTE.cosine : (current.cosine.size ? NO_BAND : '');
    $('#magnitude-band-note').textContent = anyBand ? BAND_NOTE.magnitude : (current.magnitude.size ? NO_BAND : '');
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
      // the analysis may lag the gateway by a flush: read again until it has every finished run and, once the study
      // has finished, until two reads in a row agree (the last runs' results and serving costs arrive after them)
      const text = JSON.stringify(report);
      const settled = mine.lastReport === text;
      mine.lastReport = text;
      const incomplete = (report.stlBaselines || []).length < (report.tasks || []).length
        || !(report.configurations || []).length;
      if (report.finishedRuns < mine.completedRuns
          || (mine.finished && (!report.verdict || incomplete || !settled))) { retry(mine); }
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

  const SCATTER_CAPTION = 'Pareto scatter of configuration means (test metric; coloured by optimizer)';
  const PARALLEL_CAPTION = 'Parallel coordinates of configuration means over the tasks (test metric; one line per MTL '
    + 'configuration, coloured by optimizer; thick = Pareto-optimal; black dashed = STL baseline). Each task axis is '
    + 'turned so that up is better.';

  /**
   * ECharts parallel-coordinates option for more than two tasks: one axis per task (inverted where lower is better,
   * so up is always better) and one for Δm%, one line per configuration coloured by optimizer, the STL point dashed.
   */
  function parallelOption(report) {
    const tasks = report.tasks || [];
    const higher = {}, metric = {};
    (report.stlBaselines || []).forEach(b => { higher[b.task] = b.higherIsBetter; metric[b.task] = b.metric; });
    const configurations = (report.configurations || []).filter(c => tasks.every(t => c.perTask && c.perTask[t]));
    const withDeltaM = configurations.some(c => c.deltaMPercent && finite(c.deltaMPercent.mean));
    // names on top whichever way an axis is turned
    const parallelAxis = tasks.map((t, i) => ({dim: i, name: t + (metric[t] ? ' (' + metric[t] + ')' : ''),
      scale: true, inverse: higher[t] === false, nameLocation: higher[t] === false ? 'start' : 'end'}));
    // Δm% keeps 0 (the STL baseline) in view
    if (withDeltaM) {
      parallelAxis.push({dim: tasks.length, name: 'Δm% (lower is better)', inverse: true, nameLocation: 'start'});
    }
    const byOptimizer = new Map();
    configurations.forEach(c => {
      if (!byOptimizer.has(c.optimizer)) { byOptimizer.set(c.optimizer, []); }
      const value = tasks.map(t => c.perTask[t].mean);
      if (withDeltaM) { value.push(c.deltaMPercent && finite(c.deltaMPercent.mean) ? c.deltaMPercent.mean : null); }
      byOptimizer.get(c.optimizer).push({value, name: c.label,
        lineStyle: {width: c.paretoOptimal ? 4 : 1.5, opacity: c.paretoOptimal ? 1 : 0.7}});
    });
    const series = [...byOptimizer.entries()].map(([optimizer, data], i) => ({name: optimizer, type: 'parallel', data,
      lineStyle: {color: OPTIMIZER_COLOURS[i % OPTIMIZER_COLOURS.length]}}));
    const stl = report.pareto && report.pareto.stlPoint;
    if (stl && tasks.every(t => stl[t] != null)) {
      const value = tasks.map(t => stl[t]);
      if (withDeltaM) { value.push(0); }
      series.push({name: 'STL baseline', type: 'parallel', data: [{value, name: 'STL'}],
        lineStyle: {color: '#222', width: 2, type: 'dashed', opacity: 1}});
    }
    return {
      animation: false,
      legend: {top: 0},
      tooltip: {trigger: 'item', formatter: p => p.data.name + '<br>' + parallelAxis.map((a, i) =>
        a.name + ' ' + fmt(p.data.value[i])).join('<br>')},
      parallel: {left: 40, right: 70, top: 50, bottom: 30},
      parallelAxis,
      series
    };
  }

  function renderPareto(report) {
    const parallel = (report.tasks || []).length > 2;
    $('#pareto-axes').hidden = parallel;
    $('#pareto-caption').textContent = parallel ? PARALLEL_CAPTION : SCATTER_CAPTION;
    if (parallel) {
      chart('pareto-chart').setOption(parallelOption(report), true);
      return;
    }
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
    // the lead (report.verdict.lead, computed once by mtl-core): the decision in one sentence, then its bullets;
    // the evidence, the configuration line, the per-task figures and the warnings follow under it
    const lead = v.lead;
    const parts = [el('p', {class: 'answer ' + lead.decision}, el('b', {}, lead.headline),
      lead.sentence.slice(lead.headline.length))];
    if (lead.bullets && lead.bullets.length) { parts.push(el('ul', {class: 'lead'}, lead.bullets.map(b => el('li', {}, b)))); }
    parts.push(el('p', {class: 'summary'}, v.summary));
    if (v.recommended) { parts.push(el('p', {}, v.recommended.sentence)); }
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
