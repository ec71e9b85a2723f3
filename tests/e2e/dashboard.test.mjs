// End-to-end tests of the dashboard in a real headless Chromium (Debian's, driven by
// playwright-core; no browser is downloaded). scripts/test-e2e starts the server and runs:
//
//   node tests/e2e/dashboard.test.mjs --base http://127.0.0.1:PORT --screenshots DIR
//
// Data goes in through the JSON API, as a rollout controller would send it. Every test fails on
// a console error, an uncaught exception, a failed request, an HTTP error the test did not
// expect, or a request to any other host. The last line is `N passed, M failed`.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? acc.concat([[a.slice(2), all[i + 1]]]) : acc), []));
const BASE = (args.base || process.env.ROLLGUARD_E2E_BASE || '').replace(/\/$/, '');
const SHOTS = args.screenshots || 'target/e2e-screenshots';
const ONLY = args.only || null;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!BASE) {
  console.error('usage: dashboard.test.mjs --base http://127.0.0.1:PORT [--screenshots DIR] [--only NAME]');
  process.exit(2);
}
mkdirSync(SHOTS, { recursive: true });

// ------------------------------------------------------------------ data, through the API

async function call(method, path, body) {
  const resp = await fetch(BASE + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await resp.text();
  if (!resp.ok) throw new Error(`${method} ${path} → ${resp.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

const T0 = Math.floor(Date.now() / 60000) * 60000 - 40 * 60000; // 40 minutes ago, on the minute
const at = (minute) => new Date(T0 + minute * 60000).toISOString().replace('.000Z', 'Z');
const series = (metric, values, cohort = 'canary') => values.map((value, i) => ({ metric, ts: at(i), value, cohort }));

const HEALTHY = 'checkout.prod.101';
const FAILING = 'search.prod.7';
const NO_VERDICT = 'checkout.staging.9';
const NO_POINTS = 'billing.prod.3';

async function seed() {
  await call('PUT', `/v1/deployments/${NO_POINTS}`, { service: 'billing', environment: 'production', version: 'v0.9.0' });

  await call('PUT', `/v1/deployments/${HEALTHY}`, {
    service: 'checkout', environment: 'production', version: 'v2.4.0', started_at: at(0), labels: { team: 'payments' },
    policy: 'seed', // the assertions below quote the seed policy's numbers and messages
  });
  await call('POST', `/v1/deployments/${HEALTHY}/points`, {
    points: [
      ...series('error_rate', [0.4, 0.5, 0.3, 0.6, 0.4, 0.5, 0.7, 0.4, 0.5, 0.6, 0.4, 0.5]),
      ...series('latency_p99', [200, 204, 198, 202, 199, 201, 203, 200, 202, 199, 201, 203]),
      ...series('conversion_rate', [0.031, 0.030, 0.032, 0.031, 0.030, 0.031, 0.032, 0.031, 0.030, 0.031, 0.032, 0.031]),
      ...series('conversion_rate', [0.030, 0.031, 0.030, 0.029, 0.031, 0.030, 0.030, 0.031, 0.030, 0.030, 0.031, 0.030], 'baseline'),
      ...series('rps', [1200, 1250, 1190, 1300, 1280, 1260, 1240, 1300, 1310, 1290, 1270, 1280]),
    ],
  });
  await call('POST', `/v1/deployments/${HEALTHY}/verdicts`, { at: at(5) });
  await call('POST', `/v1/deployments/${HEALTHY}/verdicts`, { at: at(8) });
  await call('POST', `/v1/deployments/${HEALTHY}/verdicts`, {});

  await call('PUT', `/v1/deployments/${FAILING}`, { service: 'search', environment: 'production', version: 'v7.0.1', policy: 'seed' });
  await call('POST', `/v1/deployments/${FAILING}/points`, {
    points: [
      ...series('error_rate', [0.5, 0.6, 0.4, 0.7, 0.5, 0.6, 0.8, 1.2, 3.5, 5.9, 6.4, 7.1]),
      ...series('latency_p99', [200, 204, 198, 202, 199, 201, 203, 200, 205, 199, 210, 340]),
      ...series('conversion_rate', [0.031, 0.030, 0.031, 0.030, 0.029, 0.030, 0.029, 0.030, 0.029, 0.028, 0.029, 0.028]),
      ...series('conversion_rate', [0.030, 0.031, 0.030, 0.030, 0.031, 0.030], 'pre'),
    ],
  });
  const early = await call('POST', `/v1/deployments/${FAILING}/verdicts`, { at: at(5) });
  const middle = await call('POST', `/v1/deployments/${FAILING}/verdicts`, { at: at(9) });
  const last = await call('POST', `/v1/deployments/${FAILING}/verdicts`, {});
  if ([early.verdict, middle.verdict, last.verdict].join() !== 'inconclusive,pass,rollback') {
    throw new Error('seed data no longer gives inconclusive, pass, rollback: ' + [early.verdict, middle.verdict, last.verdict]);
  }

  await call('PUT', `/v1/deployments/${NO_VERDICT}`, { service: 'checkout', environment: 'staging', version: 'v2.4.0' });
  await call('POST', `/v1/deployments/${NO_VERDICT}/points`, { points: series('error_rate', [0.2, 0.3, 0.2]) });
  return { failingRollback: last };
}

// ------------------------------------------------------------------ a tiny test runner

const tests = [];
function test(name, fn, options = {}) {
  tests.push({ name, fn, options });
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function eq(actual, expected, message) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}

/** Watches a page for anything a person would call broken. */
function watch(page, allowed) {
  const problems = [];
  const ok = (url) => allowed.some((re) => re.test(url));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = (msg.location() && msg.location().url) || '';
    if (/Failed to load resource/.test(msg.text()) && ok(url)) return;
    problems.push(`console error: ${msg.text()} ${url}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception: ${err.message}`));
  page.on('requestfailed', (req) => {
    const failure = req.failure();
    // A navigation away cancels in-flight polls; that is not a failure a person sees.
    if (failure && /ERR_ABORTED/.test(failure.errorText)) return;
    problems.push(`request failed: ${req.method()} ${req.url()} (${failure && failure.errorText})`);
  });
  page.on('request', (req) => {
    if (!req.url().startsWith(BASE + '/') && !req.url().startsWith('data:')) problems.push(`request to another host: ${req.url()}`);
  });
  page.on('response', (resp) => {
    if (resp.status() >= 400 && !ok(resp.url())) problems.push(`HTTP ${resp.status()} for ${resp.url()}`);
  });
  return problems;
}

let browser;
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

async function runOne(t) {
  const context = await browser.newContext({
    viewport: t.options.viewport || DESKTOP,
    deviceScaleFactor: 1,
    isMobile: Boolean(t.options.phone),
    hasTouch: Boolean(t.options.phone),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const problems = watch(page, t.options.allow || []);
  const shot = async (name) => page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });
  try {
    await t.fn({ page, shot, context });
    // Let pending polls and draws settle before judging the console.
    await page.waitForTimeout(300);
    // No value leaked into the page unformatted.
    if (page.url().startsWith(BASE)) {
      const text = await page.evaluate(() => (document.querySelector('main') || document.body).innerText);
      const leak = text.match(/.{0,40}\b(null|undefined|NaN|\[object Object\])\b.{0,40}/);
      if (leak) problems.push(`unformatted value on the page: "${leak[0]}"`);
    }
    if (problems.length) throw new Error('the page reported problems:\n    ' + problems.join('\n    '));
  } catch (e) {
    try {
      await shot('FAILED-' + t.name.replace(/[^a-z0-9]+/gi, '-'));
    } catch (_) { /* the page may be gone */ }
    throw e;
  } finally {
    await context.close();
  }
}

// ------------------------------------------------------------------ helpers on pages

async function rowTexts(page) {
  return page.$$eval('#deployments tbody tr', (rows) => rows.map((r) => ({
    key: r.dataset.key,
    verdict: r.querySelector('td.verdict').innerText.replace(/\s+/g, ' ').trim(),
    policy: r.querySelector('td.policy').innerText.trim(),
    points: r.querySelector('td.points').innerText.trim(),
  })));
}

async function waitForRows(page, keys) {
  await page.waitForFunction((want) => {
    const got = Array.from(document.querySelectorAll('#deployments tbody tr')).map((r) => r.dataset.key);
    return JSON.stringify(got) === JSON.stringify(want);
  }, keys, { timeout: 8000 }).catch(async () => {
    const got = await page.$$eval('#deployments tbody tr', (rows) => rows.map((r) => r.dataset.key)).catch(() => []);
    throw new Error(`rows: expected ${JSON.stringify(keys)}, got ${JSON.stringify(got)}; page says: ${(await page.innerText('#results')).slice(0, 300)}`);
  });
}

/**
 * Reads the chart's canvas along the row where the threshold is drawn and counts pixels of the
 * threshold colour (#d1242f): the dashed line covers a good part of the plot's width.
 */
async function thresholdPixels(page, metric) {
  return page.$eval(`figure[data-metric="${metric}"]`, (fig) => {
    const u = fig._uplot;
    if (!u || fig.dataset.thresholdY === undefined) return { drawn: false, share: 0 };
    const y = Number(fig.dataset.thresholdY);
    const { left, width } = u.bbox;
    const img = u.ctx.getImageData(left, y - 1, width, 3).data;
    let hits = 0;
    for (let x = 0; x < width; x++) {
      let hit = false;
      for (let row = 0; row < 3; row++) {
        const i = (row * width + x) * 4;
        const [r, g, b, a] = [img[i], img[i + 1], img[i + 2], img[i + 3]];
        if (a > 200 && r > 170 && g < 90 && b < 90) hit = true;
      }
      if (hit) hits++;
    }
    return { drawn: true, share: hits / width, y, height: u.bbox.height };
  });
}

/**
 * Counts pixels of a colour in the plot area (for bands and spans). The canvas is transparent:
 * each pixel is composited over the page's white first.
 */
async function colourPixels(page, metric, test) {
  return page.$eval(`figure[data-metric="${metric}"]`, (fig, src) => {
    const match = new Function('r', 'g', 'b', 'return ' + src);
    const u = fig._uplot;
    const { left, top, width, height } = u.bbox;
    const img = u.ctx.getImageData(left, top, width, height).data;
    let n = 0;
    const over = (c, a) => Math.round((c * a + 255 * (255 - a)) / 255);
    for (let i = 0; i < img.length; i += 4) {
      const a = img[i + 3];
      if (match(over(img[i], a), over(img[i + 1], a), over(img[i + 2], a))) n++;
    }
    return n / (width * height);
  }, test);
}

function contrast(fg, bg) {
  const lum = (c) => {
    const [r, g, b] = c.map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}

// ------------------------------------------------------------------ the tests

test('deployments list shows each deployment with its latest verdict', async ({ page, shot }) => {
  await page.goto(BASE + '/');
  await waitForRows(page, [NO_VERDICT, FAILING, HEALTHY, NO_POINTS]);
  const rows = await rowTexts(page);
  const by = Object.fromEntries(rows.map((r) => [r.key, r]));
  eq(by[FAILING].verdict, '✕ rollback', 'failing deployment verdict text');
  eq(by[HEALTHY].verdict, '✓ pass', 'healthy deployment verdict text');
  eq(by[NO_VERDICT].verdict, '– no verdict yet', 'unjudged deployment');
  eq(by[FAILING].policy, 'seed', 'policy of the latest verdict');
  eq([by[HEALTHY].points, by[FAILING].points, by[NO_VERDICT].points, by[NO_POINTS].points], ['60', '42', '3', '0'], 'points ingested');
  const evaluated = await page.$eval(`tr[data-key="${FAILING}"] td[data-label="Evaluated"]`, (td) => td.innerText);
  assert(/UTC/.test(evaluated) && /ago/.test(evaluated), 'evaluated time shown: ' + evaluated);
  eq(await page.getAttribute('a[href="/docs/"]', 'href'), '/docs/', 'link to the API reference');
  eq(await page.title(), 'Deployments · rollguard', 'title');
  await shot('deployments-desktop');
});

test('filters by service, environment and latest verdict', async ({ page, shot }) => {
  await page.goto(BASE + '/');
  await waitForRows(page, [NO_VERDICT, FAILING, HEALTHY, NO_POINTS]);
  await page.selectOption('select[name=verdict]', 'rollback');
  await waitForRows(page, [FAILING]);
  assert(page.url().endsWith('/?verdict=rollback'), 'filter kept in the URL: ' + page.url());
  await shot('deployments-filter-rollback');

  await page.selectOption('select[name=verdict]', '');
  await page.fill('input[name=service]', 'checkout');
  await page.press('input[name=service]', 'Enter');
  await waitForRows(page, [NO_VERDICT, HEALTHY]);

  await page.fill('input[name=environment]', 'staging');
  await page.press('input[name=environment]', 'Enter');
  await waitForRows(page, [NO_VERDICT]);

  await page.selectOption('select[name=verdict]', 'pass');
  await page.waitForSelector('text=No deployment matches these filters.');
  await shot('deployments-filter-empty');

  await page.click('#results button:has-text("Clear filters")');
  await waitForRows(page, [NO_VERDICT, FAILING, HEALTHY, NO_POINTS]);

  // A filtered URL opens filtered.
  await page.goto(BASE + '/?service=search&environment=production&verdict=rollback');
  await waitForRows(page, [FAILING]);
  eq(await page.inputValue('input[name=service]'), 'search', 'service field filled from the URL');
});

test('the list refreshes by itself without reloading the page', async ({ page }) => {
  await page.goto(BASE + '/');
  await waitForRows(page, [NO_VERDICT, FAILING, HEALTHY, NO_POINTS]);
  await page.evaluate(() => { window.__notReloaded = true; });
  const key = 'payments.prod.55';
  await call('POST', `/v1/deployments/${key}/points`, { points: series('error_rate', [9, 9.5, 9.9]) });
  await call('POST', `/v1/deployments/${key}/verdicts`, {});
  await waitForRows(page, [key, NO_VERDICT, FAILING, HEALTHY, NO_POINTS]);
  eq((await rowTexts(page))[0].verdict, '✕ rollback', 'new row verdict');
  eq(await page.evaluate(() => window.__notReloaded === true), true, 'same page (no full reload)');
  assert(/Updated \d\d:\d\d:\d\d/.test(await page.innerText('#updated')), 'update time shown');
});

test('failing deployment: charts with thresholds, markers and rule messages', async ({ page, shot, context }) => {
  await page.goto(BASE + '/');
  await page.click(`a:text-is("${FAILING}")`);
  await page.waitForURL(BASE + '/deployments/' + FAILING);
  await page.waitForSelector('figure[data-metric="error_rate"][data-drawn]');
  eq(await page.$$eval('figure.chart', (f) => f.map((x) => x.dataset.metric)), ['error_rate', 'latency_p99', 'conversion_rate'], 'one chart per metric');
  eq((await page.innerText('.facts')).includes('rollback'), true, 'latest verdict in the facts');

  for (const metric of ['error_rate', 'latency_p99', 'conversion_rate']) {
    const t = await thresholdPixels(page, metric);
    assert(t.drawn, `${metric}: threshold line position recorded`);
    assert(t.share > 0.3, `${metric}: threshold line drawn across the plot (${(t.share * 100).toFixed(0)}% of its width has its colour)`);
    assert(t.y > 0 && t.y < t.height + 40, `${metric}: threshold inside the plot`);
  }
  const canvasSize = await page.$eval('figure[data-metric="error_rate"] canvas', (c) => [c.width, c.height]);
  assert(canvasSize[0] > 300 && canvasSize[1] > 150, 'canvas has a size: ' + canvasSize);
  // The error-rate window (last 3 points) is shaded.
  const windowShade = await colourPixels(page, 'error_rate', 'r > 240 && g > 220 && g < 240 && b > 220 && b < 240');
  assert(windowShade > 0.02, 'error-rate window shaded: ' + windowShade);
  // The latency band (mean … mean + kσ).
  const band = await colourPixels(page, 'latency_p99', 'g > r + 15 && g > b && r < 235');
  assert(band > 0.002, 'latency band drawn: ' + band);

  const legend = await page.innerText('figure[data-metric="error_rate"] .legend');
  assert(legend.includes('threshold 5.00%') && legend.includes('window: last 3 points'), 'error-rate legend: ' + legend);
  const latLegend = await page.innerText('figure[data-metric="latency_p99"] .legend');
  assert(/mean \+ 2σ/.test(latLegend) && /left out of the baseline \(5\)/.test(latLegend), 'latency legend: ' + latLegend);
  const convLegend = await page.innerText('figure[data-metric="conversion_rate"] .legend');
  assert(convLegend.includes('0.80 × baseline') && convLegend.includes('pre'), 'conversion legend: ' + convLegend);

  // Verdict history: newest first, each rule's message and numbers.
  const heads = await page.$$eval('.history > li', (lis) => lis.map((li) => li.querySelector('.head [data-verdict]').dataset.verdict));
  eq(heads, ['rollback', 'pass', 'inconclusive'], 'history newest first');
  const newest = await page.innerText('.history > li:first-child');
  assert(newest.includes('mean error rate of last 3 points 6.47% > 5.00%'), 'error-rate message: ' + newest);
  assert(/last p99 latency 340\.0 ms > mean \+ 2σ/.test(newest), 'latency message');
  assert(newest.includes('triggered') && newest.includes('passed'), 'rule results in words');
  const oldest = await page.innerText('.history > li:last-child');
  assert(oldest.includes('insufficient data') && oldest.includes('latency_p99 points, need at least 7'), 'inconclusive reason: ' + oldest);
  const note = await page.innerText('figure[data-metric="error_rate"] .rule-note');
  assert(note.includes('triggered'), 'the chart names the rule result: ' + note);
  await shot('deployment-failing-desktop');

  // The charts follow the chosen verdict; the button is reachable and works from the keyboard.
  const button = page.locator('.history > li:nth-child(2) button');
  await button.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('.history > li:nth-child(2).selected');
  eq(await page.locator('.history > li:nth-child(2) button').getAttribute('aria-pressed'), 'true', 'chosen verdict pressed');
  eq(await page.evaluate(() => document.activeElement && document.activeElement.textContent), 'Shown on the charts', 'focus kept on the button');
  assert((await page.innerText('figure[data-metric="error_rate"] .rule-note')).includes('passed'), 'chart shows the older verdict (passed)');
  const older = await thresholdPixels(page, 'error_rate');
  assert(older.share > 0.3, 'threshold still drawn for the older verdict');
  await shot('deployment-failing-older-verdict');
  void context;
});

test('healthy deployment: pass, every rule passed, extra metric charted', async ({ page, shot }) => {
  await page.goto(BASE + '/deployments/' + HEALTHY);
  await page.waitForSelector('figure[data-metric="rps"][data-drawn]');
  eq(await page.$$eval('figure.chart', (f) => f.map((x) => x.dataset.metric)), ['error_rate', 'latency_p99', 'conversion_rate', 'rps'], 'charts');
  const newest = await page.innerText('.history > li:first-child');
  assert(/✓\s*pass/.test(newest), 'pass verdict: ' + newest);
  eq(await page.$$eval('.history > li:first-child tbody tr', (rows) => rows.map((r) => r.dataset.rule + ':' + r.querySelector('[data-label=Result]').innerText.replace(/\s+/g, ' ').trim())),
    ['error_rate:✓ passed', 'latency:✓ passed', 'conversion:✓ passed'], 'rule results');
  const conv = await thresholdPixels(page, 'conversion_rate');
  assert(conv.share > 0.3, 'conversion 0.8 × baseline line drawn');
  assert((await page.innerText('.facts')).includes('team=payments'), 'labels shown');
  await shot('deployment-healthy-desktop');
});

test('empty and missing deployments say what to do', async ({ page, shot }) => {
  await page.goto(BASE + '/deployments/' + NO_POINTS);
  await page.waitForSelector(`text=No points yet — POST to /v1/deployments/${NO_POINTS}/points`);
  await page.waitForSelector(`text=No verdict recorded yet — POST to /v1/deployments/${NO_POINTS}/verdicts`);
  assert((await page.innerText('main')).includes(`curl -s -X POST '${BASE}/v1/deployments/${NO_POINTS}/points'`), 'a ready-to-run example');
  await shot('deployment-no-points');

  await page.goto(BASE + '/deployments/does-not-exist');
  await page.waitForSelector('text=No deployment “does-not-exist”.');
  assert((await page.innerText('main')).includes('POST points to /v1/deployments/does-not-exist/points'), 'says how to create it');
  await shot('deployment-unknown');
}, { allow: [/\/v1\/deployments\/does-not-exist(\/|$|\?)/] });

test('an unreachable API shows an error that says what to do', async ({ page, shot, context }) => {
  await context.route('**/v1/deployments?*', (route) => route.fulfill({
    status: 503, contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'store_unavailable', message: 'database unavailable: pool timed out' } }),
  }));
  await page.goto(BASE + '/');
  await page.waitForSelector('text=Could not load deployments: database unavailable: pool timed out');
  assert((await page.innerText('main')).includes('Check that the rollguard server is running'), 'tells what to do');
  await shot('deployments-error');
}, { allow: [/\/v1\/deployments\?/] });

test('replays page: real endpoint answers with a list or a clear unavailable state', async ({ page, shot }) => {
  const resp = await fetch(BASE + '/v1/replays');
  await page.goto(BASE + '/replays');
  if (resp.status === 404) {
    await page.waitForSelector('text=Replays are not available on this server.');
  } else {
    eq(resp.status, 200, 'GET /v1/replays');
    const body = await resp.json();
    if (body.replays.length === 0) await page.waitForSelector('text=No replays yet.');
    else await page.waitForSelector('#replays tbody tr');
  }
  eq(await page.getAttribute('a[data-nav=replays]', 'aria-current'), 'page', 'nav marks the page');
  await shot('replays-real');
}, { allow: [/\/v1\/replays$/] });

const REPLAY_LIST = {
  replays: [
    { id: 'r-2', status: 'running', created_at: at(30), progress: { done: 3, total: 10 } },
    { id: 'r-1', status: 'done', created_at: at(20), progress: { done: 4, total: 4 } },
    { id: 'r-0', status: 'failed', created_at: at(10), progress: { done: 1, total: 4 } },
  ],
};
const REPLAY_DONE = {
  ...REPLAY_LIST.replays[1],
  result: {
    policies: ['seed', 'strict'],
    deployments: [
      { key: FAILING, outcome: 'rolled_back', results: { seed: { first_rollback_step: 11, first_rollback_at: at(11), rule: 'error_rate' }, strict: { first_rollback_step: 9, first_rollback_at: at(9), rule: 'error_rate' } } },
      { key: HEALTHY, outcome: 'promoted', results: { seed: { first_rollback_step: null, first_rollback_at: null, rule: null }, strict: { first_rollback_step: 4, first_rollback_at: at(4), rule: 'latency' } } },
    ],
    summary: {
      seed: { deployments: 2, would_roll_back: 1, confusion: { tp: 1, fp: 0, tn: 1, fn: 0 }, precision: 1, recall: 1, false_rollback_rate: 0, time_to_detect: { median_steps: 11, p90_steps: 11 } },
      strict: { deployments: 2, would_roll_back: 2, confusion: { tp: 1, fp: 1, tn: 0, fn: 0 }, precision: 0.5, recall: 1, false_rollback_rate: 1, time_to_detect: { median_steps: 9, p90_steps: 9 } },
    },
  },
};

test('replays page renders the replay API shape (list, progress, results)', async ({ page, shot, context }) => {
  await context.route('**/v1/replays', (route) => route.fulfill({ json: REPLAY_LIST }));
  await context.route('**/v1/replays/r-1', (route) => route.fulfill({ json: REPLAY_DONE }));
  await page.goto(BASE + '/replays');
  await page.waitForSelector('#replays tbody tr');
  eq(await page.$$eval('#replays tbody tr', (rows) => rows.map((r) => r.dataset.id + ' ' + r.querySelector('[data-status]').innerText.replace(/\s+/g, ' ').trim())),
    ['r-2 ↻ running', 'r-1 ✓ done', 'r-0 ✕ failed'], 'replays with status in words');
  assert((await page.innerText('#replays tbody tr:first-child')).includes('3 / 10'), 'progress shown');
  await shot('replays-list');

  await page.click('a:text-is("Replay r-1")');
  await page.waitForSelector('#summary tbody tr');
  const summary = await page.$$eval('#summary tbody tr', (rows) => rows.map((r) => r.innerText.replace(/\s+/g, ' ').trim()));
  assert(summary[0].startsWith('seed 2 1 1 0 1 0 100.0% 100.0% 0.0% 11 / 11'), 'seed summary: ' + summary[0]);
  assert(summary[1].startsWith('strict 2 2 1 1 0 0 50.0% 100.0% 100.0% 9 / 9'), 'strict summary: ' + summary[1]);
  const healthyRow = await page.innerText(`#replay-deployments tr[data-key="${HEALTHY}"]`);
  assert(healthyRow.includes('no rollback') && healthyRow.includes('rollback at step 4') && healthyRow.includes('disagrees with the outcome'), 'per-deployment results: ' + healthyRow);
  await shot('replay-result');
});

test('replays page with no replays says how to start one', async ({ page, context }) => {
  await context.route('**/v1/replays', (route) => route.fulfill({ json: { replays: [] } }));
  await page.goto(BASE + '/replays');
  await page.waitForSelector('text=No replays yet.');
});

test('replays page when the route is missing (404) says replays are unavailable', async ({ page, context, shot }) => {
  await context.route('**/v1/replays', (route) => route.fulfill({ status: 404, json: { error: { code: 'route_not_found', message: 'no such route' } } }));
  await page.goto(BASE + '/replays');
  await page.waitForSelector('text=Replays are not available on this server.');
  await shot('replays-unavailable');
}, { allow: [/\/v1\/replays$/] });

test('phone width: cards, no sideways scrolling, charts fit', async ({ page, shot }) => {
  await page.goto(BASE + '/');
  await waitForRows(page, (await call('GET', '/v1/deployments')).deployments.map((d) => d.key));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, 'list scrolls sideways by ' + overflow + ' px');
  const display = await page.$eval('#deployments tbody tr', (tr) => getComputedStyle(tr).display);
  eq(display, 'block', 'rows become cards');
  await shot('deployments-phone');

  await page.goto(BASE + '/deployments/' + FAILING);
  await page.waitForSelector('figure[data-metric="conversion_rate"][data-drawn]');
  const widths = await page.$$eval('figure.chart', (figs) => figs.map((f) => f.getBoundingClientRect().right));
  assert(widths.every((r) => r <= 390), 'charts fit the screen: ' + widths);
  const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow2 <= 0, 'detail page scrolls sideways by ' + overflow2 + ' px');
  const t = await thresholdPixels(page, 'error_rate');
  assert(t.share > 0.3, 'threshold drawn at phone width');
  await shot('deployment-failing-phone');
}, { viewport: PHONE, phone: true });

test('keyboard: skip link, navigation, filters and rows are reachable', async ({ page }) => {
  await page.goto(BASE + '/');
  await waitForRows(page, (await call('GET', '/v1/deployments')).deployments.map((d) => d.key));
  await page.keyboard.press('Tab');
  eq(await page.evaluate(() => document.activeElement.textContent), 'Skip to content', 'first Tab: skip link');
  const seen = [];
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    seen.push(await page.evaluate(() => {
      const e = document.activeElement;
      return e.tagName + ':' + (e.getAttribute('name') || e.textContent.trim()).slice(0, 40);
    }));
  }
  for (const want of ['A:Deployments', 'A:Replays', 'A:API reference', 'INPUT:service', 'INPUT:environment', 'SELECT:verdict', 'BUTTON:Apply', `A:${FAILING}`]) {
    assert(seen.includes(want), `Tab reaches ${want}; reached ${seen.join(', ')}`);
  }
  // Enter on a focused row link opens the deployment.
  await page.focus(`a:text-is("${HEALTHY}")`);
  await page.keyboard.press('Enter');
  await page.waitForURL(BASE + '/deployments/' + HEALTHY);
  await page.waitForSelector('.history');
  const focusVisible = await page.evaluate(() => {
    const b = document.querySelector('.history button');
    b.focus();
    const s = getComputedStyle(b);
    return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  });
  assert(focusVisible, 'focused controls show an outline');
});

test('text contrast is readable (WCAG AA 4.5:1)', async ({ page }) => {
  for (const path of ['/', '/deployments/' + FAILING]) {
    await page.goto(BASE + path);
    await page.waitForSelector(path === '/' ? '#deployments' : '.history');
    const pairs = await page.evaluate(() => {
      const rgb = (s) => (s.match(/[\d.]+/g) || []).slice(0, 4).map(Number);
      const bgOf = (e) => {
        for (let n = e; n; n = n.parentElement) {
          const c = rgb(getComputedStyle(n).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const els = document.querySelectorAll('.badge, .muted, th, td, a, .hint, .sub, figcaption, .legend li, #updated, label, button');
      return Array.from(els).filter((e) => e.offsetParent !== null && e.textContent.trim())
        .map((e) => ({ what: e.className || e.tagName, text: e.textContent.trim().slice(0, 30), fg: rgb(getComputedStyle(e).color).slice(0, 3), bg: bgOf(e) }));
    });
    assert(pairs.length > 20, 'checked some text');
    const bad = pairs.map((p) => ({ ...p, ratio: contrast(p.fg, p.bg) })).filter((p) => p.ratio < 4.5);
    assert(bad.length === 0, `${path}: low contrast: ` + bad.slice(0, 5).map((b) => `${b.what} "${b.text}" ${b.ratio.toFixed(2)}`).join('; '));
  }
});

test('assets come from the binary, with caching validators', async () => {
  for (const [path, type] of [['/', 'text/html'], ['/assets/app.js', 'text/javascript'], ['/assets/uPlot.iife.min.js', 'text/javascript'], ['/assets/uPlot.min.css', 'text/css'], ['/assets/app.css', 'text/css']]) {
    const r = await fetch(BASE + path);
    eq(r.status, 200, path);
    assert((r.headers.get('content-type') || '').startsWith(type), `${path} content type ${r.headers.get('content-type')}`);
    const tag = r.headers.get('etag');
    assert(tag, path + ' has an ETag');
    const again = await fetch(BASE + path, { headers: { 'if-none-match': tag } });
    eq(again.status, 304, path + ' revalidates');
  }
  const html = await (await fetch(BASE + '/deployments/x')).text();
  assert(html.includes('/assets/app.js'), 'deep links serve the page');
  const csp = (await fetch(BASE + '/')).headers.get('content-security-policy') || '';
  assert(csp.includes("default-src 'self'"), 'CSP keeps the page on this server');
});

test('metric names that are Object.prototype properties chart as any other metric', async ({ page }) => {
  const key = 'proto.prod.1';
  await call('PUT', `/v1/deployments/${key}`, { service: 'proto', environment: 'production' });
  await call('POST', `/v1/deployments/${key}/points`, {
    points: [...series('constructor', [1, 2, 3]), ...series('error_rate', [0.1, 0.2, 0.1])],
  });
  await page.goto(BASE + '/deployments/' + key);
  await page.waitForSelector('figure[data-metric="constructor"][data-drawn]');
  const title = await page.innerText('figure[data-metric="constructor"] h3');
  eq(title, 'constructor — constructor', 'chart title');
});

test('the API reference at /docs/ renders under its security headers', async ({ page }) => {
  const resp = await page.goto(BASE + '/docs/');
  const headers = resp.headers();
  assert((headers['content-security-policy'] || '').includes("script-src 'self'"), 'CSP: ' + headers['content-security-policy']);
  eq(headers['x-frame-options'], 'DENY', 'X-Frame-Options');
  eq(headers['x-content-type-options'], 'nosniff', 'nosniff');
  // Swagger UI loaded its scripts and the document, and drew the operations (a CSP violation
  // would be a console error, which fails the test).
  await page.waitForSelector('.swagger-ui .info .title');
  assert((await page.innerText('.swagger-ui .info .title')).includes('rollguard'), 'title drawn');
  await page.waitForSelector('.opblock');
  assert((await page.$$('.opblock')).length > 10, 'operations drawn');
  await page.goto('about:blank');
});

test('compare verdicts show canary and baseline side by side, the effect, its interval and the evidence', async ({ page }) => {
  const key = 'compare.prod.1';
  const counted = (metric, cohort, values) => values.map(([value, count], i) => ({ metric, cohort, ts: at(i), value, count }));
  await call('PUT', `/v1/deployments/${key}`, { service: 'compare', environment: 'production' });
  await call('POST', `/v1/deployments/${key}/points`, {
    points: [
      ...counted('error_rate', 'canary', Array.from({ length: 8 }, () => [8.0, 300])),
      ...counted('error_rate', 'baseline', Array.from({ length: 8 }, () => [0.5, 3000])),
    ],
  });
  const verdict = await call('POST', `/v1/deployments/${key}/verdicts`, {});
  eq([verdict.policy, verdict.verdict], ['compare', 'rollback'], 'judged by the default compare policy');
  await page.goto(BASE + '/deployments/' + key);
  await page.waitForSelector('.history > li tr[data-rule="error_rate"]');
  const row = await page.innerText('.history > li:first-child tr[data-rule="error_rate"]');
  assert(row.includes('canary 8.00%') && row.includes('(192/2400)') && row.includes('vs baseline 0.50%') && row.includes('(120/24000)'), 'side by side with counts: ' + row);
  assert(/effect \+7\.50 pts \[\+\d+\.\d\d pts, \+\d+\.\d\d pts\]/.test(row), 'effect and interval: ' + row);
  assert(/evidence \d\.\de\+\d+ of 300 over 8 min/.test(row) && /evidence \d\.\de\d+ >= 300 over 8 minutes/.test(row), 'evidence against its bound: ' + row);
  const others = await page.$$eval('.history > li:first-child tbody tr', (rows) => rows.map((r) => r.dataset.rule + ':' + r.querySelector('[data-label=Result]').innerText.replace(/\s+/g, ' ').trim()));
  eq(others, ['error_rate:✕ triggered', 'latency:– not applicable', 'conversion:– not applicable'], 'rule results');
});

// ------------------------------------------------------------------ main

const started = Date.now();
let passed = 0;
let failed = 0;
try {
  await seed();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  for (const t of tests) {
    if (ONLY && !t.name.includes(ONLY)) continue;
    const t0 = Date.now();
    try {
      await runOne(t);
      passed++;
      console.log(`ok   ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${t.name} (${Date.now() - t0} ms)\n  ${String(e && e.stack ? e.message : e).split('\n').join('\n  ')}`);
    }
  }
} catch (e) {
  failed++;
  console.log('FAIL setup: ' + (e && e.stack ? e.stack : e));
} finally {
  if (browser) await browser.close();
}
console.log(`screenshots in ${SHOTS}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
