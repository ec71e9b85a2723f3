// rollguard dashboard: draws the page the path names from the JSON API of this server.
// No framework and no build step; every request goes to this server only.
(function () {
  'use strict';

  const main = document.getElementById('main');
  const REFRESH_LIST_MS = 5000;
  const REFRESH_DETAIL_MS = 10000;
  const REFRESH_REPLAYS_MS = 5000;

  // ---------------------------------------------------------------- small helpers

  /** Builds an element: h('a', {href: '/'}, 'text', child). Text is always set as text. */
  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v === true) e.setAttribute(k, '');
      else e.setAttribute(k, String(v));
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return e;
  }

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  // A server with API tokens configured answers the API with 401 until the page sends one with
  // the "read" scope. The page asks once and keeps it for this tab only (sessionStorage).
  const TOKEN_KEY = 'rollguard.token';
  let tokenRefused = false;

  function storedToken() {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch (e) {
      return null;
    }
  }

  /** GETs a JSON document from this server; a non-2xx becomes an ApiError with the API's message. */
  async function api(path) {
    const token = storedToken();
    const headers = { accept: 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    let resp;
    try {
      resp = await fetch(path, { headers });
    } catch (e) {
      throw new ApiError(0, 'network', 'the server did not answer (is rollguard running?)');
    }
    if (resp.status === 401 && !tokenRefused) {
      // Another request may have asked for the token meanwhile.
      if (storedToken() !== token) return api(path);
      const given = window.prompt('This rollguard server needs an API token with the "read" scope ' +
        '(kept for this browser tab only):');
      if (given && given.trim()) {
        sessionStorage.setItem(TOKEN_KEY, given.trim());
        return api(path);
      }
      tokenRefused = true;
    }
    const text = await resp.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (e) {
      body = null;
    }
    if (!resp.ok) {
      const err = body && body.error;
      throw new ApiError(resp.status, err ? err.code : 'http_' + resp.status,
        err ? err.message : 'HTTP ' + resp.status + ' from ' + path);
    }
    return body;
  }

  const enc = encodeURIComponent;

  function pad(n) { return String(n).padStart(2, '0'); }

  /** "2026-11-24 10:07:03 UTC" */
  function fmtTime(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    if (isNaN(d)) return iso;
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' +
      pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()) + ' UTC';
  }

  function fmtClock(d) {
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  /** "3 min ago", for times near now. */
  function ago(iso) {
    const t = Date.parse(iso);
    if (isNaN(t)) return '';
    const s = Math.round((Date.now() - t) / 1000);
    if (s < -5) return 'in the future';
    if (s < 60) return Math.max(s, 0) + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ago';
    if (s < 86400) return Math.floor(s / 3600) + ' h ago';
    return Math.floor(s / 86400) + ' d ago';
  }

  /** "(3 min ago)" that stays current: every poll rewrites the texts of `[data-ago]`. */
  function agoSpan(iso, wrap) {
    const text = () => (wrap ? '(' + ago(iso) + ')' : ago(iso));
    const e = h('span', { class: 'muted', dataset: { ago: iso } }, text());
    e._text = text;
    return e;
  }

  function refreshAgo() {
    for (const e of document.querySelectorAll('[data-ago]')) if (e._text) e.textContent = e._text();
  }

  function timeCell(iso) {
    if (!iso) return h('span', { class: 'muted' }, 'never');
    return h('span', {},
      h('time', { datetime: iso }, fmtTime(iso)),
      h('br'),
      agoSpan(iso, false));
  }

  function fmtNum(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return '—';
    return Number(v).toFixed(digits);
  }

  function fmtPct(v) {
    if (v === null || v === undefined || !isFinite(v)) return '—';
    return (v * 100).toFixed(1) + '%';
  }

  const VERDICTS = {
    pass: { sym: '✓', cls: 'v-pass', color: '#1a7f37' },
    rollback: { sym: '✕', cls: 'v-rollback', color: '#cf222e' },
    inconclusive: { sym: '?', cls: 'v-inconclusive', color: '#bf8700' },
  };

  function badge(sym, cls, text, extra) {
    return h('span', Object.assign({ class: 'badge ' + cls }, extra || {}),
      h('span', { class: 'sym', 'aria-hidden': 'true' }, sym), text);
  }

  function verdictBadge(v) {
    const spec = VERDICTS[v];
    if (!spec) return badge('–', 'v-none', 'no verdict yet', { dataset: { verdict: 'none' } });
    return badge(spec.sym, spec.cls, v, { dataset: { verdict: v } });
  }

  const RULE_STATUS = {
    triggered: { sym: '✕', cls: 'v-rollback', text: 'triggered' },
    passed: { sym: '✓', cls: 'v-pass', text: 'passed' },
    insufficient_data: { sym: '?', cls: 'v-inconclusive', text: 'insufficient data' },
    not_applicable: { sym: '–', cls: 'v-none', text: 'not applicable' },
  };

  function ruleBadge(status) {
    const s = RULE_STATUS[status] || { sym: '?', cls: 'v-none', text: status };
    return badge(s.sym, s.cls, s.text);
  }

  const REPLAY_STATUS = {
    running: { sym: '↻', cls: 'v-running' },
    done: { sym: '✓', cls: 'v-pass' },
    failed: { sym: '✕', cls: 'v-rollback' },
  };

  function replayBadge(status) {
    const s = REPLAY_STATUS[status] || { sym: '?', cls: 'v-none' };
    return badge(s.sym, s.cls, status || 'unknown', { dataset: { status: status } });
  }

  function setTitle(text) {
    document.title = text ? text + ' · rollguard' : 'rollguard';
  }

  function markNav(which) {
    for (const a of document.querySelectorAll('[data-nav]')) {
      if (a.dataset.nav === which) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  /** A box that says what is going on and what to do about it. */
  function stateBox(kind, title, ...body) {
    return h('div', { class: 'state ' + kind, role: kind === 'error' ? 'alert' : 'status' },
      h('p', {}, h('strong', {}, title)), body.map((b) => (typeof b === 'string' ? h('p', {}, b) : b)));
  }

  function curl(method, path, body) {
    let s = 'curl -s -X ' + method + " '" + location.origin + path + "'";
    if (body) s += " \\\n  -H 'content-type: application/json' \\\n  -d '" + body + "'";
    return h('pre', {}, h('code', {}, s));
  }

  /** Re-renders inside `container` and puts the keyboard focus back on the same control. */
  function keepFocus(render) {
    const active = document.activeElement;
    const focusKey = active && active.dataset ? active.dataset.focusKey : null;
    render();
    if (focusKey) {
      const again = document.querySelector('[data-focus-key="' + CSS.escape(focusKey) + '"]');
      if (again) again.focus();
    }
  }

  /** Calls `fn` every `ms` while the page is visible, never two at once; returns a stopper. */
  function poll(fn, ms) {
    let busy = false;
    const id = setInterval(async () => {
      if (busy || document.hidden) return;
      busy = true;
      try {
        await fn();
        refreshAgo();
      } finally {
        busy = false;
      }
    }, ms);
    return () => clearInterval(id);
  }

  // ---------------------------------------------------------------- deployments page

  async function deploymentsPage() {
    setTitle('Deployments');
    markNav('deployments');
    const params = new URLSearchParams(location.search);
    const filters = {
      service: params.get('service') || '',
      environment: params.get('environment') || '',
      verdict: params.get('verdict') || '',
    };
    const seen = { service: new Set(), environment: new Set() };
    const st = { rows: [], next: null, signature: '', auto: true, error: null, loaded: false };

    const serviceInput = h('input', { name: 'service', list: 'services', value: filters.service, autocomplete: 'off', placeholder: 'any service' });
    const envInput = h('input', { name: 'environment', list: 'environments', value: filters.environment, autocomplete: 'off', placeholder: 'any environment' });
    const verdictSelect = h('select', { name: 'verdict' },
      h('option', { value: '' }, 'any verdict'),
      ['pass', 'rollback', 'inconclusive'].map((v) => h('option', { value: v, selected: filters.verdict === v }, v)));
    const servicesList = h('datalist', { id: 'services' });
    const envList = h('datalist', { id: 'environments' });
    const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter deployments' },
      h('label', {}, 'Service', serviceInput),
      h('label', {}, 'Environment', envInput),
      h('label', {}, 'Latest verdict', verdictSelect),
      h('button', { type: 'submit', class: 'primary' }, 'Apply'),
      h('button', { type: 'button', onclick: () => { serviceInput.value = ''; envInput.value = ''; verdictSelect.value = ''; apply(); } }, 'Clear filters'),
      servicesList, envList);
    const updated = h('span', { id: 'updated' }, '');
    const autoBox = h('input', { type: 'checkbox', checked: true, onchange: () => { st.auto = autoBox.checked; } });
    const toolbar = h('div', { class: 'toolbar' }, updated,
      h('label', {}, autoBox, 'Refresh every ' + REFRESH_LIST_MS / 1000 + ' s'));
    const results = h('div', { id: 'results' }, h('p', { class: 'state loading', role: 'status' }, 'Loading deployments…'));

    main.replaceChildren(
      h('h1', {}, 'Deployments'),
      h('p', { class: 'sub' }, 'Newest first, each with its latest recorded verdict. Open one for its charts and verdict history.'),
      form, toolbar, results);

    function query(limit, cursor) {
      const q = new URLSearchParams();
      for (const k of ['service', 'environment', 'verdict']) if (filters[k]) q.set(k, filters[k]);
      q.set('limit', String(limit));
      if (cursor) q.set('cursor', cursor);
      return '/v1/deployments?' + q.toString();
    }

    function filtered() {
      return Boolean(filters.service || filters.environment || filters.verdict);
    }

    function remember(rows) {
      for (const d of rows) {
        if (d.service && !seen.service.has(d.service)) {
          seen.service.add(d.service);
          servicesList.append(h('option', { value: d.service }));
        }
        if (d.environment && !seen.environment.has(d.environment)) {
          seen.environment.add(d.environment);
          envList.append(h('option', { value: d.environment }));
        }
      }
    }

    function row(d) {
      const href = '/deployments/' + enc(d.key);
      return h('tr', { dataset: { key: d.key } },
        h('td', { class: 'key', 'data-label': 'Deployment' },
          h('span', {}, h('a', { href: href, dataset: { focusKey: 'dep:' + d.key } }, d.key),
            d.version ? h('span', { class: 'muted' }, ' ' + d.version) : null)),
        h('td', { 'data-label': 'Service' }, d.service || h('span', { class: 'muted' }, '—')),
        h('td', { 'data-label': 'Environment' }, d.environment || h('span', { class: 'muted' }, '—')),
        h('td', { 'data-label': 'Latest verdict', class: 'verdict' }, verdictBadge(d.latest_verdict)),
        h('td', { 'data-label': 'Evaluated' }, timeCell(d.latest_verdict_at)),
        h('td', { 'data-label': 'Policy', class: 'policy' }, d.latest_verdict_policy || h('span', { class: 'muted' }, d.policy ? d.policy + ' (assigned)' : '—')),
        h('td', { 'data-label': 'Points', class: 'num points' }, String(d.points)),
        h('td', { 'data-label': 'Created' }, timeCell(d.created_at)));
    }

    function render() {
      if (st.error && !st.loaded) {
        results.replaceChildren(stateBox('error', 'Could not load deployments: ' + st.error.message,
          'Check that the rollguard server is running and reachable; the list retries every ' + REFRESH_LIST_MS / 1000 + ' s.',
          h('button', { type: 'button', onclick: () => load() }, 'Retry now')));
        return;
      }
      if (st.rows.length === 0) {
        if (filtered()) {
          results.replaceChildren(stateBox('empty', 'No deployment matches these filters.',
            'Filters match exactly (service and environment are case-sensitive; the verdict is the latest recorded one). ',
            h('button', { type: 'button', onclick: () => { serviceInput.value = ''; envInput.value = ''; verdictSelect.value = ''; apply(); } }, 'Clear filters')));
        } else {
          results.replaceChildren(stateBox('empty', 'No deployments yet.',
            'A deployment appears here when its first points arrive — POST them to /v1/deployments/KEY/points:',
            curl('POST', '/v1/deployments/checkout.prod.42/points',
              '{"points": [{"metric": "error_rate", "ts": "' + new Date().toISOString().slice(0, 19) + 'Z", "value": 0.4}]}'),
            'Then ask for a verdict with POST /v1/deployments/KEY/verdicts. ',
            h('p', {}, 'Every endpoint is in the ', h('a', { href: '/docs/' }, 'API reference'), '.')));
        }
        return;
      }
      const table = h('table', { class: 'cards', id: 'deployments' },
        h('caption', { class: 'muted', style: null }, st.rows.length + ' deployment' + (st.rows.length === 1 ? '' : 's') + (filtered() ? ' matching the filters' : '') + (st.next ? ' shown; more below' : '')),
        h('thead', {}, h('tr', {},
          ['Deployment', 'Service', 'Environment', 'Latest verdict', 'Evaluated', 'Policy', 'Points', 'Created']
            .map((t) => h('th', { scope: 'col', class: t === 'Points' ? 'num' : null }, t)))),
        h('tbody', {}, st.rows.map(row)));
      const more = st.next ? h('p', {}, h('button', { type: 'button', dataset: { focusKey: 'more' }, onclick: loadMore }, 'Show more')) : null;
      results.replaceChildren(...[h('div', { class: 'table-wrap' }, table), more].filter(Boolean));
    }

    function stamp(ok) {
      updated.textContent = ok ? 'Updated ' + fmtClock(new Date()) : 'Update failed at ' + fmtClock(new Date()) + ': ' + st.error.message + ' (retrying)';
    }

    async function load() {
      const limit = Math.min(500, Math.max(50, st.rows.length));
      try {
        const page = await api(query(limit));
        st.error = null;
        const sig = JSON.stringify(page);
        if (sig !== st.signature || !st.loaded) {
          st.signature = sig;
          st.rows = page.deployments;
          st.next = page.next_cursor;
          remember(st.rows);
          st.loaded = true;
          keepFocus(render);
        }
        stamp(true);
      } catch (e) {
        st.error = e;
        stamp(false);
        if (!st.loaded) render();
      }
    }

    async function loadMore() {
      try {
        const page = await api(query(50, st.next));
        st.rows = st.rows.concat(page.deployments);
        st.next = page.next_cursor;
        st.signature = '';
        remember(page.deployments);
        render();
        const link = results.querySelector('tbody tr:nth-last-child(' + page.deployments.length + ') a');
        if (link) link.focus();
      } catch (e) {
        st.error = e;
        stamp(false);
      }
    }

    function apply() {
      filters.service = serviceInput.value.trim();
      filters.environment = envInput.value.trim();
      filters.verdict = verdictSelect.value;
      const q = new URLSearchParams();
      for (const k of ['service', 'environment', 'verdict']) if (filters[k]) q.set(k, filters[k]);
      history.replaceState(null, '', q.toString() ? '/?' + q.toString() : '/');
      st.rows = [];
      st.loaded = false;
      st.signature = '';
      results.replaceChildren(h('p', { class: 'state loading', role: 'status' }, 'Loading deployments…'));
      return load();
    }

    form.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
    verdictSelect.addEventListener('change', () => apply());
    for (const input of [serviceInput, envInput]) input.addEventListener('change', () => apply());

    await load();
    poll(async () => { if (st.auto) await load(); }, REFRESH_LIST_MS);
  }

  // ---------------------------------------------------------------- one deployment

  const METRICS = {
    error_rate: { title: 'Error rate', unit: '%', digits: 2, rule: 'error_rate', floor: 0 },
    latency_p99: { title: 'p99 latency', unit: 'ms', digits: 1, rule: 'latency', floor: 0 },
    conversion_rate: { title: 'Conversion rate', unit: '', digits: 4, rule: 'conversion', floor: 0 },
    rps: { title: 'Requests per second', unit: 'rps', digits: 0, rule: null, floor: 0 },
  };
  const COHORT_STYLE = {
    canary: { color: '#0b57d0', label: 'canary' },
    baseline: { color: '#57606a', label: 'baseline cohort' },
    pre: { color: '#8250df', label: 'pre-deployment' },
  };
  const COLORS = {
    threshold: '#d1242f',
    window: 'rgba(209, 36, 47, 0.10)',
    mean: '#0a6b5b',
    band: 'rgba(10, 107, 91, 0.14)',
    excluded: 'rgba(87, 96, 106, 0.13)',
    baseline: '#57606a',
  };

  /** `obj[key]` when `obj` has it as its own property, else undefined: metric and policy names
   *  come from the user, and `constructor` or `__proto__` must not find Object.prototype's. */
  function own(obj, key) {
    return obj && Object.hasOwn(obj, key) ? obj[key] : undefined;
  }

  function metricInfo(name) {
    return own(METRICS, name) || { title: name, unit: '', digits: 3, rule: null, floor: null };
  }

  function withUnit(v, info) {
    if (v === null || v === undefined) return '—';
    const s = fmtNum(v, info.digits);
    return info.unit === '%' ? s + '%' : info.unit ? s + ' ' + info.unit : s;
  }

  /** The time a verdict's data ends: `as_of` when the request gave one, else its last point. */
  function cutOf(v) {
    const t = v.as_of || v.last_ts;
    return t ? Date.parse(t) / 1000 : null;
  }

  /** The parameters of the policy that made verdict `v`, when this server still has that version. */
  function policyParams(v, policies) {
    const rec = policies.find((p) => p.name === v.policy &&
      (p.builtin ? v.policy_version === null || v.policy_version === undefined : p.version === v.policy_version));
    return rec ? rec.policy.rules : null;
  }

  /**
   * What the rule of `metric` compared in verdict `v`, as things to draw: horizontal lines,
   * bands (y ranges over an x range), spans (x ranges) — plus the rule's report.
   */
  function overlaysFor(metric, canary, v, params) {
    const info = metricInfo(metric);
    const out = { lines: [], bands: [], spans: [], legend: [], rule: null, thresholdValue: null };
    if (!v || !info.rule) return out;
    const rule = (v.rules || []).find((r) => r.rule === info.rule);
    if (!rule) return out;
    out.rule = rule;
    const cut = cutOf(v);
    const pts = canary.filter((p) => cut === null || p.x <= cut + 1e-6);
    const first = pts.length ? pts[0].x : null;
    const last = pts.length ? pts[pts.length - 1].x : null;
    const haveNumbers = rule.threshold !== null && rule.threshold !== undefined && rule.status !== 'insufficient_data';

    if (info.rule === 'error_rate') {
      const threshold = haveNumbers ? rule.threshold : params ? params.error_rate.threshold : null;
      if (threshold !== null) {
        out.lines.push({ y: threshold, color: COLORS.threshold, dash: [8, 5], width: 2, label: 'threshold ' + withUnit(threshold, info) });
        out.legend.push({ kind: 'dashed', color: COLORS.threshold, text: 'threshold ' + withUnit(threshold, info) + ' (triggers when the window mean is above)' });
        out.thresholdValue = threshold;
      }
      if (haveNumbers && rule.points > 0 && pts.length >= rule.points) {
        const win = pts.slice(pts.length - rule.points);
        out.spans.push({ x0: win[0].x, x1: win[win.length - 1].x, color: COLORS.window });
        out.lines.push({ y: rule.observed, x0: win[0].x, x1: win[win.length - 1].x, color: COLORS.threshold, dash: [], width: 2, label: 'mean ' + withUnit(rule.observed, info) });
        out.legend.push({ kind: 'band', color: COLORS.window, text: 'window: last ' + rule.points + ' point' + (rule.points === 1 ? '' : 's') + ', mean ' + withUnit(rule.observed, info) });
      }
    } else if (info.rule === 'latency' && haveNumbers && rule.mean !== undefined) {
      const exclude = params ? params.latency.exclude_recent : null;
      const baseLen = exclude === 0 ? rule.points : rule.points - 1;
      const sigmas = params ? params.latency.sigmas
        : rule.std_dev > 0 ? (rule.threshold - rule.mean) / rule.std_dev : null;
      const kText = sigmas !== null ? fmtNum(sigmas, sigmas % 1 === 0 ? 0 : 2) + 'σ' : 'kσ';
      if (pts.length && baseLen > 0 && baseLen <= pts.length) {
        const baseEnd = pts[baseLen - 1].x;
        out.bands.push({ y0: rule.mean, y1: rule.threshold, x0: first, x1: last, color: COLORS.band });
        out.lines.push({ y: rule.mean, x0: first, x1: last, color: COLORS.mean, dash: [], width: 1.5, label: 'mean ' + withUnit(rule.mean, info) });
        if (baseLen < pts.length) {
          out.spans.push({ x0: pts[baseLen].x, x1: last, color: COLORS.excluded });
          out.legend.push({ kind: 'band', color: COLORS.excluded, text: 'recent points left out of the baseline (' + (pts.length - baseLen) + ')' });
        }
        out.legend.push({ kind: 'band', color: COLORS.band, text: 'mean … mean + ' + kText + ' of the ' + baseLen + ' baseline points up to ' + fmtTime(new Date(baseEnd * 1000).toISOString()) });
      }
      out.lines.push({ y: rule.threshold, color: COLORS.threshold, dash: [8, 5], width: 2, label: 'mean + ' + kText + ' = ' + withUnit(rule.threshold, info) });
      out.legend.push({ kind: 'dashed', color: COLORS.threshold, text: 'threshold mean + ' + kText + ' = ' + withUnit(rule.threshold, info) + ' (triggers when the last point is above)' });
      out.thresholdValue = rule.threshold;
    } else if (info.rule === 'conversion' && haveNumbers) {
      const ratio = params ? params.conversion.min_ratio : rule.baseline ? rule.threshold / rule.baseline : null;
      if (rule.baseline !== undefined && rule.baseline !== null) {
        out.lines.push({ y: rule.baseline, color: COLORS.baseline, dash: [2, 4], width: 2, label: 'baseline ' + withUnit(rule.baseline, info) });
        out.legend.push({ kind: 'dashed', color: COLORS.baseline, text: 'baseline ' + withUnit(rule.baseline, info) + ' (from ' + (rule.baseline_source || 'unknown').replace('_', ' ') + ')' });
      }
      const rText = ratio !== null ? fmtNum(ratio, 2) + ' × baseline' : 'ratio × baseline';
      out.lines.push({ y: rule.threshold, color: COLORS.threshold, dash: [8, 5], width: 2, label: rText + ' = ' + withUnit(rule.threshold, info) });
      out.legend.push({ kind: 'dashed', color: COLORS.threshold, text: rText + ' = ' + withUnit(rule.threshold, info) + ' (triggers when the window mean is below)' });
      out.thresholdValue = rule.threshold;
      if (rule.points > 0 && pts.length >= rule.points) {
        const win = pts.slice(pts.length - rule.points);
        out.spans.push({ x0: win[0].x, x1: win[win.length - 1].x, color: COLORS.window });
      }
    }
    return out;
  }

  /** Draws one metric's chart with uPlot, and the rule's comparison and the verdicts on it. */
  function chart(metric, seriesList, verdicts, selected, params) {
    const info = metricInfo(metric);
    const cohorts = ['canary', 'baseline', 'pre'].filter((c) => seriesList.some((s) => s.cohort === c));
    const byCohort = {};
    const xs = new Set();
    for (const s of seriesList) {
      byCohort[s.cohort] = s.points.map((p) => ({ x: Date.parse(p.ts) / 1000, y: p.value }));
      for (const p of byCohort[s.cohort]) xs.add(p.x);
    }
    const x = Array.from(xs).sort((a, b) => a - b);
    const index = new Map(x.map((t, i) => [t, i]));
    const data = [x];
    for (const c of cohorts) {
      const ys = new Array(x.length).fill(null);
      for (const p of byCohort[c]) ys[index.get(p.x)] = p.y;
      data.push(ys);
    }
    const canary = byCohort.canary || [];
    const ov = overlaysFor(metric, canary, selected, params);
    const markers = verdicts.map((v) => ({ x: cutOf(v), verdict: v.verdict, id: v.id, selected: selected && v.id === selected.id }))
      .filter((m) => m.x !== null);

    // Ranges that hold the data and everything drawn on it.
    let ymin = Infinity;
    let ymax = -Infinity;
    for (const c of Object.values(byCohort)) for (const p of c) { ymin = Math.min(ymin, p.y); ymax = Math.max(ymax, p.y); }
    for (const l of ov.lines) { ymin = Math.min(ymin, l.y); ymax = Math.max(ymax, l.y); }
    for (const b of ov.bands) { ymin = Math.min(ymin, b.y0, b.y1); ymax = Math.max(ymax, b.y0, b.y1); }
    if (ymin === ymax) { ymin -= Math.abs(ymin) * 0.1 || 1; ymax += Math.abs(ymax) * 0.1 || 1; }
    const padY = (ymax - ymin) * 0.12;
    let y0 = ymin - padY;
    const y1 = ymax + padY;
    if (info.floor !== null && ymin >= info.floor) y0 = Math.max(info.floor, y0);
    let xmin = x[0];
    let xmax = x[x.length - 1];
    for (const m of markers) { xmin = Math.min(xmin, m.x); xmax = Math.max(xmax, m.x); }
    if (xmin === xmax) { xmin -= 60; xmax += 60; }
    const padX = (xmax - xmin) * 0.03;

    const fig = h('figure', { class: 'chart', dataset: { metric: metric } });
    const plot = h('div', { class: 'plot' });
    const first = x.length ? fmtTime(new Date(x[0] * 1000).toISOString()) : '';
    const lastT = x.length ? fmtTime(new Date(x[x.length - 1] * 1000).toISOString()) : '';
    const counts = cohorts.map((c) => byCohort[c].length + ' ' + COHORT_STYLE[c].label).join(', ');
    const caption = h('figcaption', {},
      h('h3', {}, info.title + (info.unit ? ' (' + info.unit + ')' : '') + ' — ' + metric),
      h('p', { class: 'muted', style: null }, counts + ' point' + (x.length === 1 ? '' : 's') + ', ' + first + ' to ' + lastT + '.'));
    const legend = h('ul', { class: 'legend', 'aria-label': 'What the chart shows' },
      cohorts.map((c) => h('li', {}, h('span', { class: 'swatch', 'data-color': COHORT_STYLE[c].color }), COHORT_STYLE[c].label)),
      ov.legend.map((l) => h('li', {}, h('span', { class: 'swatch ' + l.kind, 'data-color': l.color }), l.text)),
      markers.length ? h('li', {}, 'verdicts: ✓ pass, ✕ rollback, ? inconclusive (vertical lines, at the time their data ends)') : null);
    for (const sw of legend.querySelectorAll('.swatch')) {
      // Set through the CSSOM (allowed by the page's Content-Security-Policy).
      if (sw.classList.contains('band')) sw.style.background = sw.dataset.color;
      else sw.style.borderTopColor = sw.dataset.color;
    }
    const ruleNote = ov.rule
      ? h('p', { class: 'rule-note' }, h('span', {}, 'Rule ', h('code', {}, ov.rule.rule), ' in verdict #' + selected.id + ': '), ruleBadge(ov.rule.status), ' ', h('span', { class: 'message' }, ov.rule.message))
      : info.rule && selected ? h('p', { class: 'rule-note muted' }, 'The policy of verdict #' + selected.id + ' does not run the ' + info.rule + ' rule.') : null;
    fig.append(...[caption, legend, plot, ruleNote].filter(Boolean));

    const pr = () => window.devicePixelRatio || 1;
    function underlay(u) {
      const ctx = u.ctx;
      const { left, top, width, height } = u.bbox;
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, top, width, height);
      ctx.clip();
      for (const s of ov.spans) {
        const a = u.valToPos(s.x0, 'x', true);
        const b = u.valToPos(s.x1, 'x', true);
        const w = Math.max(b - a, 6 * pr());
        ctx.fillStyle = s.color;
        ctx.fillRect(a - (w - (b - a)) / 2 - 3 * pr(), top, w + 6 * pr(), height);
      }
      for (const b of ov.bands) {
        const xa = u.valToPos(b.x0, 'x', true) - 3 * pr();
        const xb = u.valToPos(b.x1, 'x', true) + 3 * pr();
        const ya = u.valToPos(b.y1, 'y', true);
        const yb = u.valToPos(b.y0, 'y', true);
        ctx.fillStyle = b.color;
        ctx.fillRect(xa, ya, xb - xa, yb - ya);
      }
      ctx.restore();
    }
    function overlay(u) {
      const ctx = u.ctx;
      const { left, top, width, height } = u.bbox;
      const px = pr();
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, top, width, height);
      ctx.clip();
      ctx.font = (12 * px) + 'px system-ui, "DejaVu Sans", sans-serif';
      for (const m of markers) {
        const spec = VERDICTS[m.verdict] || { color: '#57606a', sym: '?' };
        const mx = Math.round(u.valToPos(m.x, 'x', true));
        ctx.strokeStyle = spec.color;
        ctx.lineWidth = (m.selected ? 2.5 : 1.2) * px;
        ctx.setLineDash(m.selected ? [] : [3 * px, 3 * px]);
        ctx.beginPath();
        ctx.moveTo(mx, top + 16 * px);
        ctx.lineTo(mx, top + height);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = spec.color;
        ctx.beginPath();
        ctx.arc(mx, top + 8 * px, 7 * px, 0, 2 * Math.PI);
        ctx.fill();
        ctx.fillStyle = '#fff';
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(spec.sym, mx, top + 8.5 * px);
      }
      for (const l of ov.lines) {
        const y = Math.round(u.valToPos(l.y, 'y', true)) + 0.5;
        const xa = l.x0 !== undefined ? u.valToPos(l.x0, 'x', true) - 3 * px : left;
        const xb = l.x1 !== undefined ? u.valToPos(l.x1, 'x', true) + 3 * px : left + width;
        ctx.strokeStyle = l.color;
        ctx.lineWidth = l.width * px;
        ctx.setLineDash(l.dash.map((d) => d * px));
        ctx.beginPath();
        ctx.moveTo(xa, y);
        ctx.lineTo(xb, y);
        ctx.stroke();
        ctx.setLineDash([]);
        if (l.x0 === undefined) {
          ctx.textAlign = 'right';
          ctx.textBaseline = 'bottom';
          ctx.lineWidth = 4 * px;
          ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
          ctx.lineJoin = 'round';
          ctx.strokeText(l.label, left + width - 4 * px, y - 3 * px);
          ctx.fillStyle = l.color;
          ctx.fillText(l.label, left + width - 4 * px, y - 3 * px);
        }
      }
      ctx.restore();
      if (ov.thresholdValue !== null) fig.dataset.thresholdY = String(Math.round(u.valToPos(ov.thresholdValue, 'y', true)));
      fig.dataset.drawn = String(Number(fig.dataset.drawn || 0) + 1);
    }

    function fmtTimeAxis(u, splits) {
      let prevDay = null;
      return splits.map((v) => {
        const iso = new Date(v * 1000).toISOString();
        const day = iso.slice(5, 10);
        const clock = iso.slice(11, v % 60 === 0 ? 16 : 19);
        const label = day !== prevDay ? clock + '\n' + day : clock;
        prevDay = day;
        return label;
      });
    }
    const fmtAxis = (v) => (info.unit === '%' ? fmtNum(v, v < 10 ? 1 : 0) + '%' : Math.abs(v) >= 1000 ? fmtNum(v, 0) : String(Number(v.toPrecision(4))));
    const opts = {
      width: 600,
      height: 260,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: {
        x: { time: true, range: () => [xmin - padX, xmax + padX] },
        y: { range: () => [y0, y1] },
      },
      axes: [
        { label: 'time (UTC)', labelSize: 22, stroke: '#4f5863', grid: { stroke: '#eaeef2' }, ticks: { stroke: '#d0d7de' }, values: fmtTimeAxis },
        { stroke: '#4f5863', size: 64, grid: { stroke: '#eaeef2' }, ticks: { stroke: '#d0d7de' }, values: (u, splits) => splits.map(fmtAxis) },
      ],
      series: [{ label: 'time (UTC)' }].concat(cohorts.map((c) => ({
        label: COHORT_STYLE[c].label,
        stroke: COHORT_STYLE[c].color,
        width: 2,
        spanGaps: true,
        points: { show: true, size: 6, fill: COHORT_STYLE[c].color },
        value: (u, v) => (v === null ? '—' : withUnit(v, info)),
      }))),
      cursor: { drag: { x: false, y: false } },
      hooks: { drawClear: [underlay], draw: [overlay] },
    };
    return { fig, plot, opts, data };
  }

  /** Mounts charts once their containers are in the page, sized to them. */
  function mountCharts(charts) {
    const made = [];
    for (const c of charts) {
      const width = Math.max(260, c.plot.clientWidth || 600);
      c.opts.width = width;
      const u = new uPlot(c.opts, c.data, c.plot);
      c.fig._uplot = u;
      made.push(u);
      if (window.ResizeObserver) {
        let last = width;
        new ResizeObserver(() => {
          const w = Math.max(260, c.plot.clientWidth);
          if (Math.abs(w - last) > 2) { last = w; u.setSize({ width: w, height: 260 }); }
        }).observe(c.plot);
      }
    }
    return made;
  }

  function verdictItem(v, selectedId, onSelect, params) {
    const fmtFor = (rule) => metricInfo({ error_rate: 'error_rate', latency: 'latency_p99', conversion: 'conversion_rate' }[rule.rule] || rule.rule);
    const details = (r) => {
      const info = fmtFor(r);
      const parts = [];
      if (r.mean !== undefined && r.mean !== null) parts.push('mean ' + withUnit(r.mean, info));
      if (r.std_dev !== undefined && r.std_dev !== null) parts.push('σ ' + withUnit(r.std_dev, info));
      if (r.baseline !== undefined && r.baseline !== null) parts.push('baseline ' + withUnit(r.baseline, info) + (r.baseline_source ? ' (' + r.baseline_source.replace('_', ' ') + ')' : ''));
      const c = r.comparison;
      if (c) {
        // Canary and baseline side by side, the effect with its interval, and the evidence.
        const against = r.method === 'counts_vs_reference' ? 'reference ' : 'baseline ';
        const counts = (e, n) => (e !== undefined && e !== null && n !== undefined && n !== null) ? ' (' + e + '/' + n + ')' : '';
        parts.push('canary ' + withUnit(c.canary, info) + counts(c.canary_events, c.canary_count) +
          ' vs ' + against + withUnit(c.baseline, info) + counts(c.baseline_events, c.baseline_count));
        const effect = r.rule === 'error_rate'
          ? (x) => (x >= 0 ? '+' : '') + x.toFixed(2) + ' pts'
          : (x) => '×' + x.toFixed(3);
        parts.push('effect ' + effect(c.effect) + ' [' + effect(c.effect_low) + ', ' + effect(c.effect_high) + ']');
        parts.push('evidence ' + (c.evidence < 1e6 ? c.evidence.toFixed(2) : c.evidence.toExponential(1)) + ' of ' + c.evidence_needed.toFixed(0) + ' over ' + c.minutes + ' min');
      }
      if (r.method) parts.push('method ' + r.method.replace(/_/g, ' '));
      return parts.join(' · ');
    };
    const selected = v.id === selectedId;
    const rows = (v.rules || []).map((r) => {
      const info = fmtFor(r);
      return h('tr', { dataset: { rule: r.rule } },
        h('td', { 'data-label': 'Rule' }, h('code', {}, r.rule)),
        h('td', { 'data-label': 'Result' }, ruleBadge(r.status)),
        h('td', { 'data-label': 'Observed', class: 'num' }, withUnit(r.observed, info)),
        h('td', { 'data-label': 'Threshold', class: 'num' }, withUnit(r.threshold, info)),
        h('td', { 'data-label': 'Points', class: 'num' }, String(r.points)),
        h('td', { 'data-label': 'Message', class: 'message' }, h('div', {}, r.message,
          details(r) ? h('div', { class: 'muted' }, details(r)) : null)));
    });
    const rec = v.recommendation
      ? h('p', {}, 'Canary step: ', h('strong', {}, v.recommendation.action), ' — weight ' + v.recommendation.current_weight + '% → ' + v.recommendation.next_weight + '% (' + v.recommendation.reason + ')')
      : null;
    const paramsNote = params ? null : h('span', { class: 'muted' }, v.policy === 'inline'
      ? ' (given in the request; chart lines come from the verdict\'s own numbers)'
      : ' (this version is no longer on the server; chart lines come from the verdict\'s own numbers)');
    return h('li', { class: selected ? 'selected' : null, dataset: { verdictId: v.id } },
      h('div', { class: 'head' },
        verdictBadge(v.verdict),
        h('strong', {}, 'Verdict #' + v.id),
        h('span', {}, 'evaluated ', h('time', { datetime: v.evaluated_at }, fmtTime(v.evaluated_at)), ' ', agoSpan(v.evaluated_at, true)),
        h('span', {}, 'policy ', h('code', {}, v.policy), v.policy_version ? ' v' + v.policy_version : '', paramsNote),
        h('span', {}, v.points + ' points read' + (v.first_ts ? ', ' + fmtTime(v.first_ts) + ' to ' + fmtTime(v.last_ts) : '')),
        v.as_of ? h('span', {}, 'as of ' + fmtTime(v.as_of)) : null,
        h('button', { type: 'button', 'aria-pressed': selected ? 'true' : 'false', dataset: { focusKey: 'show:' + v.id }, onclick: () => onSelect(v.id) },
          selected ? 'Shown on the charts' : 'Show on the charts')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'rules cards' },
        h('thead', {}, h('tr', {}, ['Rule', 'Result', 'Observed', 'Threshold', 'Points', 'Message'].map((t) => h('th', { scope: 'col', class: ['Observed', 'Threshold', 'Points'].includes(t) ? 'num' : null }, t)))),
        h('tbody', {}, rows))),
      rec);
  }

  async function deploymentPage(key) {
    setTitle(key);
    markNav('deployments');
    const base = '/v1/deployments/' + enc(key);
    const header = h('div', {},
      h('p', { class: 'crumbs' }, h('a', { href: '/' }, '← All deployments')),
      h('h1', {}, key));
    const body = h('div', {}, h('p', { class: 'state loading', role: 'status' }, 'Loading ' + key + '…'));
    const updated = h('span', { id: 'updated' });
    const autoBox = h('input', { type: 'checkbox', checked: true });
    main.replaceChildren(header,
      h('div', { class: 'toolbar' }, updated, h('label', {}, autoBox, 'Refresh every ' + REFRESH_DETAIL_MS / 1000 + ' s')),
      body);
    const st = { selectedId: null, signature: '', shown: 10, data: null };

    async function fetchAll() {
      const [d, pts, hist, pol] = await Promise.all([
        api(base), api(base + '/points'), api(base + '/verdicts?limit=500'), api('/v1/policies'),
      ]);
      return { d, series: pts.series, verdicts: hist.verdicts, policies: pol.policies };
    }

    function facts(d) {
      const item = (label, value) => h('div', {}, h('dt', {}, label), h('dd', {}, value));
      return h('dl', { class: 'facts' },
        item('Latest verdict', verdictBadge(d.latest_verdict)),
        item('Evaluated', d.latest_verdict_at ? fmtTime(d.latest_verdict_at) : 'never'),
        item('Policy of that verdict', d.latest_verdict_policy || '—'),
        item('Points ingested', String(d.points)),
        item('Service', d.service || '—'),
        item('Environment', d.environment || '—'),
        item('Version', d.version || '—'),
        item('Policy set on deployment', d.policy || 'none (environment default, else seed)'),
        item('Started', d.started_at ? fmtTime(d.started_at) : '—'),
        item('Outcome', d.outcome ? d.outcome.replace('_', ' ') : 'not recorded'),
        Object.keys(d.labels || {}).length ? item('Labels', Object.entries(d.labels).map(([k, v]) => k + '=' + v).join(', ')) : null);
    }

    function render() {
      const { d, series, verdicts, policies } = st.data;
      const selected = verdicts.find((v) => v.id === st.selectedId) || verdicts[0] || null;
      if (selected) st.selectedId = selected.id;
      const params = selected ? policyParams(selected, policies) : null;

      const parts = [facts(d)];
      parts.push(h('h2', { id: 'charts-title' }, 'Metrics'));
      let charts = [];
      if (!series.length) {
        parts.push(stateBox('empty', 'No points yet — POST to /v1/deployments/' + key + '/points',
          'Each point is a metric, a time and a value (cohort canary unless given). For example:',
          curl('POST', base + '/points', '{"points": [{"metric": "error_rate", "ts": "' + new Date().toISOString().slice(0, 19) + 'Z", "value": 0.4}]}')));
      } else {
        parts.push(h('p', { class: 'hint' }, selected
          ? 'Lines and shading show what the rules compared in verdict #' + selected.id + ' (' + selected.verdict + '); pick another verdict below to see its numbers.'
          : 'No verdict yet, so no rule lines are drawn.'));
        const metrics = Array.from(new Set(series.map((s) => s.metric)));
        const order = Object.keys(METRICS);
        metrics.sort((a, b) => (order.indexOf(a) < 0 ? 99 : order.indexOf(a)) - (order.indexOf(b) < 0 ? 99 : order.indexOf(b)) || a.localeCompare(b));
        charts = metrics.map((m) => chart(m, series.filter((s) => s.metric === m), verdicts, selected, params));
        parts.push(h('div', { class: 'charts' }, charts.map((c) => c.fig)));
        const cut = series.filter((s) => s.truncated).map((s) => s.metric + ' (' + s.cohort + ')');
        if (cut.length) parts.push(h('p', { class: 'hint' }, 'Only the most recent 10,000 points of ' + cut.join(', ') + ' are drawn.'));
      }

      parts.push(h('h2', { id: 'history-title' }, 'Verdict history'));
      if (!verdicts.length) {
        parts.push(stateBox('empty', 'No verdict recorded yet — POST to /v1/deployments/' + key + '/verdicts',
          'A verdict evaluates the stored points with the deployment\'s policy and is recorded here:',
          curl('POST', base + '/verdicts')));
      } else {
        const list = h('ol', { class: 'history', 'aria-labelledby': 'history-title' },
          verdicts.slice(0, st.shown).map((v) => verdictItem(v, st.selectedId, select, policyParams(v, policies))));
        parts.push(list);
        if (verdicts.length > st.shown) {
          parts.push(h('p', {}, h('button', { type: 'button', dataset: { focusKey: 'more-verdicts' }, onclick: () => { st.shown += 10; keepFocus(render); } },
            'Show older verdicts (' + (verdicts.length - st.shown) + ' more)')));
        }
      }
      body.replaceChildren(...parts);
      mountCharts(charts);
    }

    function select(id) {
      st.selectedId = id;
      keepFocus(render);
    }

    async function load(first) {
      try {
        const data = await fetchAll();
        const sig = JSON.stringify([data.d, data.series, data.verdicts.map((v) => v.id)]);
        if (sig !== st.signature) {
          st.signature = sig;
          st.data = data;
          keepFocus(render);
        }
        updated.textContent = 'Updated ' + fmtClock(new Date());
      } catch (e) {
        if (e.status === 404 && e.code === 'not_found') {
          setTitle('No deployment ' + key);
          body.replaceChildren(stateBox('empty', 'No deployment “' + key + '”.',
            'A deployment is created by its first ingest — POST points to /v1/deployments/' + key + '/points:',
            curl('POST', base + '/points', '{"points": [{"metric": "error_rate", "ts": "' + new Date().toISOString().slice(0, 19) + 'Z", "value": 0.4}]}'),
            h('p', {}, 'or create it with PUT /v1/deployments/' + key + '. ', h('a', { href: '/' }, 'Back to all deployments'), '.')));
          st.signature = '';
        } else if (first || !st.data) {
          body.replaceChildren(stateBox('error', 'Could not load ' + key + ': ' + e.message,
            'Check that the rollguard server is running; this page retries every ' + REFRESH_DETAIL_MS / 1000 + ' s.',
            h('button', { type: 'button', onclick: () => load(true) }, 'Retry now')));
        }
        updated.textContent = 'Update failed at ' + fmtClock(new Date()) + ': ' + e.message;
      }
    }

    await load(true);
    poll(async () => { if (autoBox.checked) await load(false); }, REFRESH_DETAIL_MS);
  }

  // ---------------------------------------------------------------- replays

  function replaysUnavailable() {
    return stateBox('empty', 'Replays are not available on this server.',
      'GET /v1/replays answered 404: this build of rollguard has no replay API yet. Replays re-run stored deployments through one or more policies and compare the decisions with how each deployment really ended.',
      h('p', {}, 'Upgrade rollguard to a version with replays, and check the ', h('a', { href: '/docs/' }, 'API reference'), ' for POST /v1/replays.'));
  }

  function progressCell(p) {
    if (!p || !p.total) return h('span', { class: 'muted' }, '—');
    return h('span', { class: 'progress' }, h('progress', { max: p.total, value: p.done, 'aria-label': p.done + ' of ' + p.total + ' deployments replayed' }), ' ' + p.done + ' / ' + p.total);
  }

  async function replaysPage() {
    setTitle('Replays');
    markNav('replays');
    const results = h('div', {}, h('p', { class: 'state loading', role: 'status' }, 'Loading replays…'));
    const updated = h('span', { id: 'updated' });
    main.replaceChildren(h('h1', {}, 'Replays'),
      h('p', { class: 'sub' }, 'Policies re-run over recorded deployments: would they have rolled back the deployments that really failed, and only those?'),
      h('div', { class: 'toolbar' }, updated, h('span', {}, 'Refreshes every ' + REFRESH_REPLAYS_MS / 1000 + ' s while a replay runs')),
      results);
    let signature = '';
    let stop = null;

    async function load() {
      try {
        const body = await api('/v1/replays');
        const replays = (body && body.replays) || [];
        updated.textContent = 'Updated ' + fmtClock(new Date());
        const sig = JSON.stringify(replays);
        if (sig === signature) return replays;
        signature = sig;
        if (!replays.length) {
          results.replaceChildren(stateBox('empty', 'No replays yet.',
            'Start one through the API (POST /v1/replays, see the API reference): it replays stored deployments through the policies you name.',
            h('p', {}, h('a', { href: '/docs/' }, 'Open the API reference'))));
          return replays;
        }
        keepFocus(() => results.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'cards', id: 'replays' },
          h('thead', {}, h('tr', {}, ['Replay', 'Status', 'Created', 'Progress'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, replays.map((r) => h('tr', { dataset: { id: r.id } },
            h('td', { 'data-label': 'Replay', class: 'key' }, h('a', { href: '/replays/' + enc(r.id), dataset: { focusKey: 'replay:' + r.id } }, 'Replay ' + r.id)),
            h('td', { 'data-label': 'Status' }, replayBadge(r.status)),
            h('td', { 'data-label': 'Created' }, timeCell(r.created_at)),
            h('td', { 'data-label': 'Progress' }, progressCell(r.progress)))))))));
        return replays;
      } catch (e) {
        if (e.status === 404) {
          results.replaceChildren(replaysUnavailable());
          updated.textContent = '';
          if (stop) stop();
          return null;
        }
        updated.textContent = 'Update failed at ' + fmtClock(new Date()) + ': ' + e.message;
        if (!signature) {
          results.replaceChildren(stateBox('error', 'Could not load replays: ' + e.message,
            'Check that the rollguard server is running; this page retries every ' + REFRESH_REPLAYS_MS / 1000 + ' s.'));
        }
        return [];
      }
    }

    const first = await load();
    if (first !== null) {
      stop = poll(async () => {
        const replays = await load();
        if (replays && !replays.some((r) => r.status === 'running') && stop) { stop(); stop = null; }
      }, REFRESH_REPLAYS_MS);
    }
  }

  function summaryTable(result) {
    const policies = result.policies || Object.keys(result.summary || {});
    const cols = ['Policy', 'Deployments', 'Would roll back', 'TP', 'FP', 'TN', 'FN', 'Precision', 'Recall', 'False rollback rate', 'Steps to detect (median / p90)'];
    const numeric = new Set(cols.slice(1));
    return h('div', { class: 'table-wrap' }, h('table', { class: 'cards', id: 'summary' },
      h('caption', { class: 'muted' }, 'TP: rolled back a deployment that really was rolled back; FP: rolled back one that was promoted; TN / FN: the opposite two.'),
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: numeric.has(c) ? 'num' : null }, c)))),
      h('tbody', {}, policies.map((p) => {
        const s = own(result.summary, p) || {};
        const c = s.confusion || {};
        const ttd = s.time_to_detect || {};
        const cell = (label, v) => h('td', { 'data-label': label, class: 'num' }, v === null || v === undefined ? '—' : String(v));
        return h('tr', { dataset: { policy: p } },
          h('th', { scope: 'row', 'data-label': 'Policy' }, h('code', {}, p)),
          cell('Deployments', s.deployments), cell('Would roll back', s.would_roll_back),
          cell('TP', c.tp), cell('FP', c.fp), cell('TN', c.tn), cell('FN', c.fn),
          cell('Precision', fmtPct(s.precision)), cell('Recall', fmtPct(s.recall)),
          cell('False rollback rate', fmtPct(s.false_rollback_rate)),
          cell('Steps to detect', (ttd.median_steps ?? '—') + ' / ' + (ttd.p90_steps ?? '—')));
      }))));
  }

  function deploymentsTable(result) {
    const policies = result.policies || Object.keys(result.summary || {});
    const rows = result.deployments || [];
    if (!rows.length) return stateBox('empty', 'This replay covered no deployment.', 'Deployments need a recorded outcome (PUT /v1/deployments/KEY with "outcome") and points to be replayed.');
    return h('div', { class: 'table-wrap' }, h('table', { class: 'cards', id: 'replay-deployments' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Deployment'), h('th', { scope: 'col' }, 'Real outcome'),
        policies.map((p) => h('th', { scope: 'col' }, h('code', {}, p))))),
      h('tbody', {}, rows.map((d) => h('tr', { dataset: { key: d.key } },
        h('td', { 'data-label': 'Deployment', class: 'key' }, h('a', { href: '/deployments/' + enc(d.key) }, d.key)),
        h('td', { 'data-label': 'Real outcome' }, d.outcome ? d.outcome.replace('_', ' ') : h('span', { class: 'muted' }, 'unknown')),
        policies.map((p) => {
          const r = own(d.results, p) || {};
          const rolled = r.first_rollback_step !== null && r.first_rollback_step !== undefined;
          const right = d.outcome ? (rolled === (d.outcome === 'rolled_back')) : null;
          const verdictText = rolled
            ? badge('✕', 'v-rollback', 'rollback at step ' + r.first_rollback_step)
            : badge('✓', 'v-pass', 'no rollback');
          return h('td', { 'data-label': p },
            verdictText,
            rolled ? h('div', { class: 'muted' }, (r.rule ? 'rule ' + r.rule : '') + (r.first_rollback_at ? ', ' + fmtTime(r.first_rollback_at) : '')) : null,
            right === null ? null : h('div', {}, right ? 'agrees with the outcome' : h('strong', {}, 'disagrees with the outcome')));
        }))))));
  }

  async function replayPage(id) {
    setTitle('Replay ' + id);
    markNav('replays');
    const body = h('div', {}, h('p', { class: 'state loading', role: 'status' }, 'Loading replay ' + id + '…'));
    const updated = h('span', { id: 'updated' });
    main.replaceChildren(h('p', { class: 'crumbs' }, h('a', { href: '/replays' }, '← All replays')),
      h('h1', {}, 'Replay ' + id), h('div', { class: 'toolbar' }, updated), body);
    let stop = null;
    let signature = '';

    async function load() {
      try {
        const r = await api('/v1/replays/' + enc(id));
        updated.textContent = 'Updated ' + fmtClock(new Date());
        const sig = JSON.stringify(r);
        if (sig === signature) return r;
        signature = sig;
        const parts = [h('dl', { class: 'facts' },
          h('div', {}, h('dt', {}, 'Status'), h('dd', {}, replayBadge(r.status))),
          h('div', {}, h('dt', {}, 'Created'), h('dd', {}, fmtTime(r.created_at))),
          h('div', {}, h('dt', {}, 'Progress'), h('dd', {}, progressCell(r.progress))))];
        if (r.status === 'failed') {
          parts.push(stateBox('error', 'This replay failed' + (r.error ? ': ' + (r.error.message || r.error) : '.'), 'Start a new one through the API (POST /v1/replays).'));
        }
        if (r.result) {
          parts.push(h('h2', {}, 'Summary by policy'), summaryTable(r.result));
          parts.push(h('h2', {}, 'Deployments'), deploymentsTable(r.result));
        } else if (r.status === 'running') {
          parts.push(stateBox('loading', 'Still running.', 'Results appear here when the replay is done; this page refreshes every ' + REFRESH_REPLAYS_MS / 1000 + ' s.'));
        }
        body.replaceChildren(...parts);
        return r;
      } catch (e) {
        if (e.status === 404 && e.code !== 'not_found') {
          body.replaceChildren(replaysUnavailable());
        } else if (e.status === 404) {
          body.replaceChildren(stateBox('empty', 'No replay ' + id + '.', h('p', {}, 'It may have been removed. ', h('a', { href: '/replays' }, 'See all replays'), '.')));
        } else {
          body.replaceChildren(stateBox('error', 'Could not load replay ' + id + ': ' + e.message, 'Check that the rollguard server is running; this page retries every ' + REFRESH_REPLAYS_MS / 1000 + ' s.'));
          return { status: 'running' };
        }
        return null;
      }
    }

    const first = await load();
    if (first && first.status === 'running') {
      stop = poll(async () => {
        const r = await load();
        if ((!r || r.status !== 'running') && stop) { stop(); stop = null; }
      }, REFRESH_REPLAYS_MS);
    }
  }

  // ---------------------------------------------------------------- routing

  function notFound() {
    setTitle('Not found');
    main.replaceChildren(stateBox('empty', 'No such page.', h('p', {}, h('a', { href: '/' }, 'Go to the deployments'), '.')));
  }

  async function route() {
    const path = location.pathname;
    let m;
    try {
      if (typeof uPlot === 'undefined') throw new Error('the chart library did not load');
      if (path === '/' || path === '') await deploymentsPage();
      else if ((m = path.match(/^\/deployments\/([^/]+)\/?$/))) await deploymentPage(decodeURIComponent(m[1]));
      else if (path === '/replays' || path === '/replays/') await replaysPage();
      else if ((m = path.match(/^\/replays\/([^/]+)\/?$/))) await replayPage(decodeURIComponent(m[1]));
      else notFound();
    } catch (e) {
      main.replaceChildren(stateBox('error', 'This page failed to draw: ' + e.message, 'Reload the page; if it persists, report it with the browser console\'s output.'));
      throw e;
    }
  }

  route();
})();
