// The dashboard page of `rnn ui` / `rnn train --ui`: one server-sent-event stream (/api/events) brings each run's
// files as they grow (see Dashboard/RunFeed.cs); this script keeps them per run and redraws the page: curves of every
// shown run overlaid, and for the run in focus the update:parameter ratios, histograms, samples or predictions, the
// lr-find sweep and the configuration. Charts are SVG drawn here, nothing is loaded from anywhere else.
// Text from the run (samples, labels, configuration) is only ever set as textContent.
// For headless checks the page marks <html>: data-dashboard ("pending" until the server's "ready" event says the files
// as they were at connection time have all arrived; then "ok" or "error: ..."), data-step (the focus
// run's last logged step) and data-charts (charts with a drawn series).
(function () {
  'use strict';

  // ---- status marker: any error, unhandled rejection or console.error (collected by /page-errors.js, which the page
  // loads first: Reporting/PageErrors.cs) makes the page say so ----
  var problems = window.rnnPageProblems || ['/page-errors.js did not run'];

  var SVG = 'http://www.w3.org/2000/svg';
  var PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
  var state = { runs: [], focus: 0, shown: {}, data: {}, tensor: null, connected: false, received: false, ready: false };

  function runData(id) {
    if (!state.data[id]) state.data[id] = { metrics: [], ratios: [], stats: null, samples: [], predictions: null, config: null, lrfind: null, inspect: false, updated: 0 };
    return state.data[id];
  }

  // ---- the event stream ----
  function connect() {
    var source = new EventSource('/api/events');
    source.onopen = function () { state.connected = true; connection(); };
    source.onerror = function () { state.connected = false; connection(); };
    on(source, 'runs', function (d) {
      state.runs = d.runs;
      d.runs.forEach(function (r) { if (!(r.id in state.shown)) state.shown[r.id] = true; });
      if (state.focus >= d.runs.length) state.focus = 0;
      state.data = {}; // a new connection starts every file from the beginning
      state.ready = false;
      buildRunList();
    });
    on(source, 'metrics', function (d) {
      var run = runData(d.run);
      if (d.reset) run.metrics = [];
      run.metrics.push.apply(run.metrics, d.lines);
    });
    on(source, 'ratios', function (d) {
      var run = runData(d.run);
      if (d.reset) run.ratios = [];
      run.ratios.push.apply(run.ratios, d.points);
    });
    on(source, 'stats', function (d) { runData(d.run).stats = d.stats; });
    on(source, 'samples', function (d) { runData(d.run).samples = d.samples; });
    on(source, 'predictions', function (d) { runData(d.run).predictions = d.predictions; });
    on(source, 'config', function (d) { runData(d.run).config = d; });
    on(source, 'lrfind', function (d) { runData(d.run).lrfind = d; });
    on(source, 'inspect', function (d) { runData(d.run).inspect = d.available; });
    on(source, 'ready', function () { state.ready = true; });
  }

  function on(source, name, handle) {
    source.addEventListener(name, function (e) {
      var d = JSON.parse(e.data);
      handle(d);
      if (typeof d.run === 'number') runData(d.run).updated = Date.now();
      state.received = true;
      schedule();
    });
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    setTimeout(function () { pending = false; render(); }, 1000); // at most one redraw a second: the page may share the training machine's cores
  }

  function connection() {
    var el = document.getElementById('connection');
    el.textContent = state.connected ? 'live: following the run files' : (state.received ? 'disconnected (the run ended or the server stopped); retrying…' : 'connecting…');
    el.className = 'connection ' + (state.connected ? 'live' : 'lost');
  }

  // ---- the run list: a checkbox overlays a run's curves, a radio puts it in focus ----
  function buildRunList() {
    var nav = document.getElementById('runs');
    nav.textContent = '';
    state.runs.forEach(function (r) {
      var label = el('label', 'run');
      var swatch = el('span', 'swatch');
      swatch.style.background = color(r.id);
      var box = el('input');
      box.type = 'checkbox';
      box.checked = state.shown[r.id];
      box.title = 'overlay this run\'s curves';
      box.addEventListener('change', function () { state.shown[r.id] = box.checked; render(); });
      var radio = el('input');
      radio.type = 'radio';
      radio.name = 'focus';
      radio.checked = r.id === state.focus;
      radio.title = 'show this run\'s details';
      radio.addEventListener('change', function () { state.focus = r.id; state.tensor = null; render(); });
      var name = el('span', 'name', r.name);
      name.title = r.path;
      var st = el('span', 'state');
      st.id = 'run-state-' + r.id;
      label.append(box, radio, swatch, name, st);
      nav.appendChild(label);
    });
  }

  function color(id) { return PALETTE[id % PALETTE.length]; }

  // ---- drawing ----
  function render() {
    connection();
    var focus = runData(state.focus);
    var runName = state.runs[state.focus] ? state.runs[state.focus].name : '';
    document.querySelectorAll('.focus-name').forEach(function (n) { n.textContent = runName ? '— ' + runName : ''; });
    state.runs.forEach(function (r) {
      var s = document.getElementById('run-state-' + r.id);
      var m = runData(r.id).metrics;
      if (s) s.textContent = m.length ? 'step ' + m[m.length - 1].step : (runData(r.id).lrfind ? 'lr-find' : 'no metrics yet');
    });
    renderSummary(focus);
    renderTraining();
    renderNetwork(focus);
    renderOutput(focus);
    renderLrFind(focus);
    renderInspect(focus);
    renderConfig(focus);
    mark(focus);
  }

  function mark(focus) {
    var charts = document.querySelectorAll('svg.chart');
    var drawn = 0, bad = [];
    for (var i = 0; i < charts.length; i++) {
      if (charts[i].classList.contains('empty')) continue;
      var paths = charts[i].querySelectorAll('g.series path');
      if (paths.length === 0) { bad.push('chart ' + charts[i].id + ' has no series'); continue; }
      var visible = false;
      for (var j = 0; j < paths.length; j++) {
        var box = paths[j].getBBox();
        if (box.width > 0 || box.height > 0) visible = true;
      }
      if (visible) drawn++; else bad.push('chart ' + charts[i].id + ' drew nothing');
    }
    var root = document.documentElement;
    var all = problems.concat(bad);
    var last = focus.metrics.length ? focus.metrics[focus.metrics.length - 1].step : '';
    root.setAttribute('data-step', String(last));
    root.setAttribute('data-charts', String(drawn));
    root.setAttribute('data-dashboard', all.length ? 'error: ' + all.join(' | ') : (state.ready ? 'ok' : 'pending'));
  }

  function renderSummary(run) {
    var m = run.metrics;
    var rows = [];
    if (m.length) {
      var last = m[m.length - 1];
      var lastTrain = lastWith(m, 'train_loss');
      var bestVal = null;
      m.forEach(function (r) { if (isNum(r.val_loss) && (!bestVal || r.val_loss < bestVal.val_loss)) bestVal = r; });
      var speeds = m.map(function (r) { return r.tokens_per_s; }).filter(function (v) { return v > 0; }).sort(function (a, b) { return a - b; });
      rows.push(['updates', String(last.step)], ['epochs', fmt(last.epoch, 2)], ['elapsed', duration(last.elapsed_s)]);
      rows.push(['last training loss', lastTrain ? fmt(lastTrain.train_loss, 4) + ' (step ' + lastTrain.step + ')' : '-']);
      rows.push(['best validation loss', bestVal ? fmt(bestVal.val_loss, 4) + ' (step ' + bestVal.step + ')' : '-']);
      otherMetrics([run]).forEach(function (name) {
        var at = lastWith(m, name);
        if (at) rows.push(['last ' + name, fmt(at[name], 4) + ' (step ' + at.step + ')']);
      });
      rows.push(['learning rate', sci(last.lr)], ['gradient norm', fmt(last.grad_norm, 3)]);
      if (speeds.length) rows.push(['median speed', Math.round(speeds[speeds.length >> 1]).toLocaleString('en-US') + ' tokens/s']);
      if (last.skipped_steps) rows.push(['skipped steps', String(last.skipped_steps)]);
      var age = (Date.now() - run.updated) / 1000;
      rows.push(['last change', run.updated ? (age < 2 ? 'just now' : Math.round(age) + ' s ago') : '-']);
    } else {
      rows.push(['metrics', run.lrfind ? 'this directory holds an lr-find sweep (below)' : 'none yet: waiting for metrics.jsonl']);
    }
    table(document.getElementById('summary'), rows);
  }

  function renderTraining() {
    var host = document.getElementById('training-charts');
    var runs = state.runs.filter(function (r) { return state.shown[r.id]; });
    var several = runs.length > 1;
    var loss = [], lr = [], grad = [], speed = [];
    runs.forEach(function (r) {
      var m = runData(r.id).metrics, c = color(r.id), prefix = several ? r.name + ' ' : '';
      loss.push({ name: prefix + 'train', color: several ? c : '#1f77b4', points: pts(m, 'train_loss') });
      loss.push({ name: prefix + 'validation', color: several ? c : '#d62728', dash: several, points: pts(m, 'val_loss') });
      lr.push({ name: r.name, color: c, points: pts(m, 'lr') });
      grad.push({ name: r.name, color: c, points: pts(m, 'grad_norm') });
      speed.push({ name: r.name, color: c, points: pts(m, 'tokens_per_s').filter(function (p) { return p[1] > 0; }) });
    });
    var specs = [
      { id: 'chart-loss', title: 'Loss', y: 'loss', series: loss },
      { id: 'chart-lr', title: 'Learning rate', y: 'learning rate', series: lr },
      { id: 'chart-grad', title: 'Gradient norm (before clipping)', y: 'global L2 norm', series: grad, logY: true },
      { id: 'chart-speed', title: 'Training speed', y: 'tokens / s', series: speed },
    ];
    otherMetrics(runs.map(function (r) { return runData(r.id); })).forEach(function (name) {
      specs.push({ id: 'chart-' + name.replace(/_/g, '-'), title: name, y: name, series: runs.map(function (r) {
        return { name: r.name, color: color(r.id), points: pts(runData(r.id).metrics, name) };
      }) });
    });
    place(host, specs.map(function (s) { return lineChart(s.id, s.title, 'step', s.y, s.series, { logY: s.logY }); }));
  }

  function renderNetwork(run) {
    var note = document.getElementById('network-note');
    var stats = run.stats;
    var ratioHost = document.getElementById('ratio-charts');
    var tensorHost = document.getElementById('tensor-charts');
    var activationHost = document.getElementById('activation-charts');
    var select = document.getElementById('tensor');
    if (!stats) {
      note.textContent = run.lrfind ? 'An lr-find sweep has no training statistics.' :
        'No stats.jsonl yet: it is written every --stats-every updates (default: every --log-every).';
      ratioHost.textContent = ''; tensorHost.textContent = ''; activationHost.textContent = '';
      select.textContent = '';
      return;
    }
    note.textContent = 'Statistics of step ' + stats.step + '. The update:parameter ratio is log10(mean |update| / mean |parameter|) per tensor ' +
      '(the DL4J training UI\'s chart): around −3 is healthy; much higher and training is unstable, much lower and it learns slowly.';
    var names = (stats.tensors || []).map(function (t) { return t.name; });
    var series = names.map(function (name, i) {
      return { name: name, color: PALETTE[i % PALETTE.length], points: run.ratios.filter(function (p) { return isNum(p.ratios[name]); }).map(function (p) { return [p.step, p.ratios[name]]; }) };
    });
    place(ratioHost, [lineChart('chart-ratios', 'Update : parameter ratio (log10)', 'step', 'log10 ratio', series, { refs: [{ y: -3, label: '−3' }], legendRight: true })]);
    if (state.tensor === null || names.indexOf(state.tensor) < 0) state.tensor = names[0];
    if (select.options.length !== names.length || Array.prototype.some.call(select.options, function (o, i) { return o.value !== names[i]; })) {
      select.textContent = '';
      names.forEach(function (n) { var o = el('option', null, n); o.value = n; select.appendChild(o); });
      select.onchange = function () { state.tensor = select.value; render(); };
    }
    select.value = state.tensor;
    var tensor = (stats.tensors || []).filter(function (t) { return t.name === state.tensor; })[0];
    var figures = [];
    if (tensor) {
      var shape = tensor.shape ? ' [' + tensor.shape.join('×') + ']' : '';
      figures.push(histogram('hist-weights', 'weights' + shape, tensor.weights, '#1f77b4', 'mean |θ| ' + sci(tensor.mean_abs)));
      figures.push(histogram('hist-gradients', 'gradients', tensor.gradients, '#9467bd', null));
      figures.push(histogram('hist-updates', 'updates', tensor.updates, '#2ca02c', isNum(tensor.ratio_log10) ? 'log10 ratio ' + fmt(tensor.ratio_log10, 2) : 'no update yet'));
    }
    place(tensorHost, figures);
    place(activationHost, (stats.activations || []).map(function (a, i) {
      var sat = isNum(a.saturated) ? 'saturated ' + fmt(100 * a.saturated, 1) + '%' : null;
      return histogram('hist-act-' + i, a.name, a, /gate/.test(a.name) ? '#ff7f0e' : '#17becf', sat);
    }));
  }

  function renderOutput(run) {
    var title = document.getElementById('output-title');
    var body = document.getElementById('output-body');
    body.textContent = '';
    if (run.predictions) {
      var p = run.predictions;
      title.textContent = 'Predictions of the latest evaluation (step ' + p.step + ')';
      if (p.kind === 'confusion') confusion(body, p);
      if (p.kind === 'forecast') forecasts(body, p);
      if (p.kind === 'sequences' || (p.kind === 'confusion' && p.examples)) examples(body, p.examples || []);
      return;
    }
    if (run.samples.length) {
      title.textContent = 'Latest samples';
      run.samples.forEach(function (s) {
        var box = el('div', 'sample');
        box.appendChild(el('h3', null, 'step ' + s.step));
        box.appendChild(el('pre', null, s.text));
        body.appendChild(box);
      });
      return;
    }
    title.textContent = 'Output';
    body.appendChild(el('p', 'note', 'No samples (language models, samples.txt) or predictions (other tasks, predictions.json) yet.'));
  }

  function confusion(body, p) {
    var labels = p.labels || [], matrix = p.matrix || [];
    var max = 1;
    matrix.forEach(function (row) { row.forEach(function (v) { if (v > max) max = v; }); });
    var t = el('table', 'confusion');
    var head = el('tr');
    head.appendChild(el('th', null, 'true \\ predicted'));
    labels.forEach(function (l) { head.appendChild(el('th', 'pred', l)); });
    t.appendChild(head);
    matrix.forEach(function (row, i) {
      var tr = el('tr');
      tr.appendChild(el('th', null, labels[i]));
      row.forEach(function (v, j) {
        var td = el('td', null, String(v));
        var a = v / max;
        td.style.background = i === j ? 'rgba(44,160,44,' + (0.1 + 0.6 * a).toFixed(3) + ')' : (v ? 'rgba(214,39,40,' + (0.1 + 0.6 * a).toFixed(3) + ')' : '');
        tr.appendChild(td);
      });
      t.appendChild(tr);
    });
    body.appendChild(el('h3', null, 'Confusion matrix (rows: true label)'));
    body.appendChild(t);
  }

  function examples(body, list) {
    if (!list.length) return;
    body.appendChild(el('h3', null, 'Examples'));
    // Plain values and lists (a tagger's tokens and tags, shown space-separated); nested objects are left out.
    var keys = Object.keys(list[0]).filter(function (k) { var v = list[0][k]; return v === null || typeof v !== 'object' || Array.isArray(v); });
    var t = el('table', 'examples');
    var head = el('tr');
    keys.forEach(function (k) { head.appendChild(el('th', null, k)); });
    t.appendChild(head);
    list.forEach(function (x) {
      var tr = el('tr');
      keys.forEach(function (k) {
        var v = x[k];
        var td = el('td', null, typeof v === 'number' ? fmt(v, 3) : Array.isArray(v) ? v.join(' ') : v === null ? '-' : String(v));
        if (k === 'correct') td.className = v ? 'ok' : 'bad';
        tr.appendChild(td);
      });
      t.appendChild(tr);
    });
    body.appendChild(t);
  }

  function forecasts(body, p) {
    var host = el('div', 'charts');
    body.appendChild(host);
    place(host, (p.examples || []).map(function (x, i) {
      var h = x.history || [], n = h.length;
      var history = h.map(function (v, t) { return [t - n + 1, v]; });
      var actual = (x.actual || []).map(function (v, t) { return [t + 1, v]; });
      var predicted = (x.predicted || []).map(function (v, t) { return [t + 1, v]; });
      if (history.length) { actual.unshift(history[history.length - 1]); predicted.unshift(history[history.length - 1]); }
      return lineChart('chart-forecast-' + i, 'Forecast example ' + (i + 1), 'step (0 = last observed)', 'value',
        [{ name: 'history', color: '#1f77b4', points: history }, { name: 'actual', color: '#2ca02c', points: actual },
         { name: 'forecast', color: '#d62728', dash: true, points: predicted }], {});
    }));
  }

  function renderLrFind(run) {
    var section = document.getElementById('lrfind');
    var f = run.lrfind;
    section.hidden = !f;
    document.getElementById('jump-lrfind').hidden = !f;
    if (!f) return;
    var s = f.summary || {};
    document.getElementById('lrfind-note').textContent = isNum(s.suggested)
      ? 'Suggested learning rate ' + sci(s.suggested) + ' (' + s.rule + '); steepest descent at ' + sci(s.steepest) + ', minimum/10 at ' + sci(s.minimum_over_ten) + '.'
      : 'The sweep gave no suggestion.';
    var raw = [], smooth = [];
    (f.points || []).forEach(function (p) { if (p[0] > 0) { raw.push([p[0], p[1]]); smooth.push([p[0], p[2]]); } });
    var top = smooth.length ? Math.max(smooth[0][1], Math.min.apply(null, smooth.map(function (p) { return p[1]; }))) * 1.25 : null;
    var vlines = [];
    if (isNum(s.suggested)) vlines.push({ x: s.suggested, label: 'suggested ' + sci(s.suggested), color: '#2ca02c' });
    if (isNum(s.steepest) && s.steepest !== s.suggested) vlines.push({ x: s.steepest, label: 'steepest', color: '#d62728' });
    place(document.getElementById('lrfind-charts'), [lineChart('chart-lrfind', s.title || 'Learning-rate range test', 'learning rate (log scale)', 'training loss',
      [{ name: 'loss', color: '#9aa1ad', points: raw }, { name: 'smoothed loss', color: '#ff7f0e', points: smooth }],
      { logX: true, yMax: top, vlines: vlines })]);
  }

  function renderInspect(run) {
    var section = document.getElementById('inspect');
    section.hidden = !run.inspect;
    document.getElementById('jump-inspect').hidden = !run.inspect;
    if (!run.inspect) return;
    var url = '/api/runs/' + state.focus + '/inspect';
    var frame = document.getElementById('inspect-frame');
    if (frame.getAttribute('src') !== url) frame.setAttribute('src', url);
    document.getElementById('inspect-link').setAttribute('href', url);
  }

  function renderConfig(run) {
    var body = document.getElementById('config-body');
    var c = run.config;
    var key = c ? JSON.stringify(c) : '';
    if (body.getAttribute('data-key') === key && key) return;
    body.setAttribute('data-key', key);
    body.textContent = '';
    if (!c) { body.appendChild(el('p', 'note', 'No checkpoint yet (last.safetensors): the configuration appears with the first one.')); return; }
    if (c.error) body.appendChild(el('p', 'note', c.error));
    var groups = {}, order = [];
    (c.tables || []).forEach(function (t) {
      if (!groups[t.title]) { groups[t.title] = []; order.push(t.title); }
      groups[t.title].push(t);
    });
    order.forEach(function (title) {
      var box = el('div');
      box.appendChild(el('h3', null, title));
      groups[title].forEach(function (t) { var tb = el('table'); table(tb, t.rows); box.appendChild(tb); });
      body.appendChild(box);
    });
    if (isNum(c.parameters)) body.insertBefore(el('p', 'note', c.parameters.toLocaleString('en-US') + ' parameters, from ' + c.file + '.'), body.firstChild);
  }

  // ---- charts ----
  // A line chart as an SVG element: series [{name, color, dash, points: [[x, y], ...]}], options {logX, logY, refs, vlines, yMax}.
  function lineChart(id, title, xLabel, yLabel, series, options) {
    options = options || {};
    var W = 560, H = 300, L = 62, R = options.legendRight ? 150 : 14, T = 30, B = 40;
    var svg = svgEl('svg', { id: id, class: 'chart', viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    svg.appendChild(svgText(W / 2, 18, title, 'title', 'middle'));
    var tx = options.logX ? log10 : identity, ty = options.logY ? log10 : identity;
    var all = [];
    series.forEach(function (s) {
      s.drawn = thin(s.points.filter(function (p) { return isFinite(tx(p[0])) && isFinite(ty(p[1])); }), 1500);
      s.drawn.forEach(function (p) { all.push(p); });
    });
    if (!all.length) {
      svg.classList.add('empty');
      svg.appendChild(svgText(W / 2, H / 2, 'no data yet', 'empty-note', 'middle'));
      return svg;
    }
    var xs = all.map(function (p) { return tx(p[0]); }), ys = all.map(function (p) { return ty(p[1]); });
    (options.vlines || []).forEach(function (v) { if (isFinite(tx(v.x))) xs.push(tx(v.x)); });
    (options.refs || []).forEach(function (r) { ys.push(r.y); });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    if (isNum(options.yMax) && options.yMax < y1 && options.yMax > y0) y1 = options.yMax;
    if (x1 === x0) { x0 -= 1; x1 += 1; }
    if (y1 === y0) { var pad = Math.abs(y0) * 0.1 || 1; y0 -= pad; y1 += pad; }
    var yPad = (y1 - y0) * 0.05; y0 -= yPad; y1 += yPad;
    var pw = W - L - R, ph = H - T - B;
    function X(v) { return L + (v - x0) / (x1 - x0) * pw; }
    function Y(v) { return T + (1 - (v - y0) / (y1 - y0)) * ph; }
    var grid = svgEl('g', { class: 'grid' });
    ticks(y0, y1, 5).forEach(function (v) {
      grid.appendChild(svgEl('line', { x1: L, x2: L + pw, y1: Y(v), y2: Y(v) }));
      svg.appendChild(svgText(L - 6, Y(v) + 4, options.logY ? sci(Math.pow(10, v)) : short(v), null, 'end'));
    });
    (options.logX ? decades(x0, x1) : ticks(x0, x1, 6)).forEach(function (v) {
      grid.appendChild(svgEl('line', { x1: X(v), x2: X(v), y1: T, y2: T + ph }));
      svg.appendChild(svgText(X(v), T + ph + 15, options.logX ? sci(Math.pow(10, v)) : short(v), null, 'middle'));
    });
    svg.insertBefore(grid, svg.firstChild);
    svg.appendChild(svgEl('rect', { class: 'frame', x: L, y: T, width: pw, height: ph }));
    svg.appendChild(svgText(L + pw / 2, H - 6, xLabel, null, 'middle'));
    var yl = svgText(14, T + ph / 2, yLabel, null, 'middle');
    yl.setAttribute('transform', 'rotate(-90 14 ' + (T + ph / 2) + ')');
    svg.appendChild(yl);
    (options.refs || []).forEach(function (r) {
      if (r.y < y0 || r.y > y1) return;
      svg.appendChild(svgEl('line', { class: 'ref', x1: L, x2: L + pw, y1: Y(r.y), y2: Y(r.y) }));
    });
    (options.vlines || []).forEach(function (v, i) {
      var x = X(tx(v.x));
      if (!(x >= L && x <= L + pw)) return;
      svg.appendChild(svgEl('line', { x1: x, x2: x, y1: T, y2: T + ph, stroke: v.color, 'stroke-width': 1.5 }));
      // Labels one under the other (two rates are often close); on the left of the line near the right edge.
      var right = x > L + pw * 0.75;
      svg.appendChild(svgText(right ? x - 4 : x + 4, T + ph - 8 - i * 14, v.label, null, right ? 'end' : 'start'));
    });
    var clip = 'clip-' + id;
    var defs = svgEl('defs', {});
    var cp = svgEl('clipPath', { id: clip });
    cp.appendChild(svgEl('rect', { x: L, y: T, width: pw, height: ph }));
    defs.appendChild(cp);
    svg.appendChild(defs);
    var g = svgEl('g', { class: 'series', 'clip-path': 'url(#' + clip + ')' });
    var legend = [];
    series.forEach(function (s) {
      if (!s.drawn.length) return;
      var d = s.drawn.map(function (p, i) { return (i ? 'L' : 'M') + X(tx(p[0])).toFixed(1) + ' ' + Y(ty(p[1])).toFixed(1); }).join('');
      if (s.drawn.length === 1) d += 'h0.01';
      var path = svgEl('path', { d: d, fill: 'none', stroke: s.color, 'stroke-width': s.drawn.length === 1 ? 6 : 1.6, 'stroke-linecap': 'round' });
      if (s.dash) path.setAttribute('stroke-dasharray', '5 3');
      var tip = svgEl('title', {});
      tip.textContent = s.name + ': last ' + short(s.drawn[s.drawn.length - 1][1]);
      path.appendChild(tip);
      g.appendChild(path);
      legend.push(s);
    });
    svg.appendChild(g);
    legend.forEach(function (s, i) {
      var lx = options.legendRight ? L + pw + 10 : L + 8 + (i % 3) * 150, ly = options.legendRight ? T + 10 + i * 14 : T + 12 + Math.floor(i / 3) * 14;
      if (options.legendRight && ly > T + ph) return;
      svg.appendChild(svgEl('line', { x1: lx, x2: lx + 14, y1: ly - 4, y2: ly - 4, stroke: s.color, 'stroke-width': 2 }));
      svg.appendChild(svgText(lx + 18, ly, s.name.length > 22 ? s.name.slice(0, 21) + '…' : s.name, null, 'start'));
    });
    return svg;
  }

  // A histogram {min, max, counts} as bars (one path), with an optional note under the title.
  function histogram(id, title, h, barColor, note) {
    var W = 360, H = 190, L = 44, R = 10, T = note ? 34 : 24, B = 28;
    var svg = svgEl('svg', { id: id, class: 'chart', viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    svg.appendChild(svgText(W / 2, 15, title, 'title', 'middle'));
    if (note) svg.appendChild(svgText(W / 2, 29, note, null, 'middle'));
    var counts = h && h.counts ? h.counts : [];
    var total = counts.reduce(function (a, b) { return a + b; }, 0);
    if (!total) {
      svg.classList.add('empty');
      svg.appendChild(svgText(W / 2, H / 2, 'no values', 'empty-note', 'middle'));
      return svg;
    }
    var max = Math.max.apply(null, counts), pw = W - L - R, ph = H - T - B, bw = pw / counts.length;
    var d = '';
    counts.forEach(function (c, i) {
      if (!c) return;
      var bh = Math.max(1, c / max * ph);
      d += 'M' + (L + i * bw + 0.5).toFixed(1) + ' ' + (T + ph) + 'v' + (-bh).toFixed(1) + 'h' + Math.max(0.5, bw - 1).toFixed(1) + 'v' + bh.toFixed(1) + 'z';
    });
    var g = svgEl('g', { class: 'series' });
    g.appendChild(svgEl('path', { d: d, fill: barColor, stroke: 'none' }));
    svg.appendChild(g);
    svg.appendChild(svgEl('rect', { class: 'frame', x: L, y: T, width: pw, height: ph }));
    svg.appendChild(svgText(L, T + ph + 14, short(h.min), null, 'start'));
    svg.appendChild(svgText(L + pw, T + ph + 14, short(h.max), null, 'end'));
    svg.appendChild(svgText(L - 4, T + 9, short(max), null, 'end'));
    if (h.nonfinite) svg.appendChild(svgText(L + pw / 2, T + ph + 24, h.nonfinite + ' not finite', null, 'middle'));
    return svg;
  }

  // Replaces a container's figures with new ones.
  function place(host, svgs) {
    host.textContent = '';
    svgs.forEach(function (s) { var f = el('figure'); f.appendChild(s); host.appendChild(f); });
  }

  // ---- small helpers ----
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    return e;
  }
  function svgText(x, y, text, cls, anchor) {
    var t = svgEl('text', { x: x, y: y, 'text-anchor': anchor || 'start' });
    if (cls) t.setAttribute('class', cls);
    t.textContent = text;
    return t;
  }
  function table(t, rows) {
    t.textContent = '';
    rows.forEach(function (r) { var tr = el('tr'); tr.appendChild(el('th', null, r[0])); tr.appendChild(el('td', null, r[1])); t.appendChild(tr); });
  }
  function pts(records, key) {
    var out = [];
    records.forEach(function (r) { if (isNum(r[key])) out.push([r.step, r[key]]); });
    return out;
  }
  function lastWith(records, key) {
    for (var i = records.length - 1; i >= 0; i--) if (isNum(records[i][key])) return records[i];
    return null;
  }
  function otherMetrics(runs) {
    var names = [];
    runs.forEach(function (run) {
      run.metrics.forEach(function (r) {
        for (var k in r) if (k.indexOf('val_') === 0 && k !== 'val_loss' && names.indexOf(k) < 0) names.push(k);
      });
    });
    return names;
  }
  // At most n points, evenly spaced, keeping the last.
  function thin(points, n) {
    if (points.length <= n) return points;
    var out = [], step = points.length / n;
    for (var i = 0; i < n; i++) out.push(points[Math.floor(i * step)]);
    out.push(points[points.length - 1]);
    return out;
  }
  function ticks(a, b, n) {
    var span = b - a, raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
    var step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    var out = [];
    for (var v = Math.ceil(a / step) * step; v <= b + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return out;
  }
  function decades(a, b) {
    var out = [];
    for (var k = Math.ceil(a); k <= Math.floor(b); k++) out.push(k);
    return out.length >= 2 ? out : ticks(a, b, 5);
  }
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function identity(v) { return v; }
  function log10(v) { return v > 0 ? Math.log10(v) : NaN; }
  function fmt(v, digits) { return isNum(v) ? v.toFixed(digits) : '-'; }
  function sci(v) { return isNum(v) ? (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4) ? v.toExponential(2) : String(+v.toPrecision(3))) : '-'; }
  function short(v) { return !isNum(v) ? '-' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(1) : String(+v.toPrecision(4)); }
  function duration(s) {
    if (!isNum(s)) return '-';
    var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), sec = Math.floor(s % 60);
    return (h ? h + 'h' : '') + (h || m ? m + 'm' : '') + sec + 's';
  }

  document.addEventListener('DOMContentLoaded', function () {
    connect();
    render();
    // The "last change" age and the connection line move on even when no file changes.
    setInterval(render, 5000);
  });
})();
