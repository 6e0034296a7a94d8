// Benchmark in real Chromium (issue 15): the dashboard on a 50-pump clinic against a 5,000-pump clinic in the same run. Time to
// the first fleet row on screen, a recorded fill (POST through the API) until the open dashboard's row shows it, the main-thread
// work of one keystroke in the filter until the filtered rows are on screen, and the rows and elements in the DOM. Figures only:
// the browser tests assert behaviour, never time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { chromium, type Browser } from 'playwright-core';
import type { FleetPage, FleetPump } from '@pumpwatch/shared';
import { bulkLoadFleet } from '../../test/support/bulk-fleet';
import { AlertEngine } from '../src/alerts/alert-engine.service';
import { createPumpWatchApp } from '../src/app.factory';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres';
import type { SeededFleet } from '../src/seed/seed-fleet';
import { printComparisonTable, printResultLines } from './comparison-table';

const SMALL_PUMPS = Number(process.env.BENCH_SMALL_PUMPS ?? 50);
const LARGE_PUMPS = Number(process.env.BENCH_LARGE_PUMPS ?? 5000);
/** Measured rounds per clinic, after one warm-up round each (the clinics take turns, so machine load falls on both alike). */
const ROUNDS = Number(process.env.BENCH_BROWSER_ROUNDS ?? 3);
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN = { email: 'bench-admin@pumpwatch.bench', password: 'bench-admin-password' };
const VIEWPORT = { width: 1440, height: 900 };
/** Longest any one measurement may take before the bench gives up (a broken dashboard, not a slow one). */
const STEP_TIMEOUT_MS = 60_000;
/** The keystroke: "a" is in nearly every seeded name, so the filtered answer is most of the fleet. */
const KEY = 'a';
const TRACE_KEYSTROKE = process.env.BENCH_TRACE_KEYSTROKE === 'on';

interface ClinicUnderTest {
  label: 'small' | 'large';
  pumps: number;
  fleet: SeededFleet;
}

interface Round {
  firstRowMs: number;
  fillToRowMs: number;
  keystrokeTaskMs: number;
  keystrokeScriptMs: number;
  keystrokeLayoutMs: number;
  keystrokeLongestTaskMs: number;
  keystrokeToRowsMs: number;
  rowsInDom: number;
  elementsInDom: number;
  elementsAtKeystroke: number;
  alertItemsAtKeystroke: number;
  pageHeightAtKeystroke: number;
  jsHeapAtKeystrokeMb: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
}

/** Waits until the alert engine and the fleet projector have consumed every committed event: the dashboard is judged at rest. */
async function waitForEventConsumers(owner: Client): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  for (const cursor of ['alert_evaluation_cursor', 'fleet_projection_cursor']) {
    while (Date.now() < deadline) {
      const { rows } = await owner.query(
        `SELECT (SELECT last_event_id FROM event_counter WHERE id = 1) - coalesce((SELECT max(last_event_id) FROM ${cursor}), 0) AS behind`,
      );
      if (Number(rows[0].behind) <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Records in the page when the first fleet row is in the DOM and a frame has gone by (painted), in ms from navigation start. */
function watchFirstRow(): void {
  const w = window as unknown as { __firstRowMs: number | null };
  w.__firstRowMs = null;
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[data-testid="fleet-row"]')) return;
    observer.disconnect();
    requestAnimationFrame(() => {
      w.__firstRowMs = performance.now();
    });
  });
  observer.observe(document, { childList: true, subtree: true });
}

async function main(): Promise<void> {
  console.log(`load average at start: ${loadAverage()} (${os.cpus().length} cores)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-bench-fleet-browser-'));
  // The database runs as the `postgres` user when the bench runs as root: it must be able to enter the folder.
  fs.chmodSync(dir, 0o777);
  const pg = await startEmbeddedPostgres({ databaseDir: path.join(dir, 'data'), databaseName: 'pumpwatch_bench', persistent: false });
  const owner = new Client({ connectionString: pg.url });
  let app: Awaited<ReturnType<typeof createPumpWatchApp>> | null = null;
  let browser: Browser | null = null;
  try {
    app = await createPumpWatchApp({ databaseUrl: pg.url, demo: false, logLevel: 'silent', bootstrapAdmin: { ...ADMIN } });
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    await owner.connect();
    const call = async <T>(method: 'GET' | 'POST', url: string, token: string | null, body?: unknown): Promise<T> => {
      const response = await fetch(`${baseUrl}${url}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json().catch(() => null)) as unknown;
      if (response.status >= 300) throw new Error(`${method} ${url} answered ${response.status}: ${JSON.stringify(json).slice(0, 500)}`);
      return json as T;
    };
    const token = (await call<{ accessToken: string }>('POST', '/api/auth/login', null, ADMIN)).accessToken;

    // Setup (timed, not compared): both clinics in bulk (test/support/bulk-fleet: the load seed's plan, one demo.seeded event).
    const clinics: ClinicUnderTest[] = [];
    for (const [label, pumps] of [
      ['small', SMALL_PUMPS],
      ['large', LARGE_PUMPS],
    ] as const) {
      const fleet = await bulkLoadFleet(app, { pumps, clinicName: `Browser bench ${label} clinic (${pumps} pumps)`, seed: 15 });
      console.log(`loaded the ${label} clinic: ${pumps} pumps in ${fleet.seconds.toFixed(1)} s`);
      clinics.push({ label, pumps, fleet });
    }
    // At rest: the seeding's alert evaluation, and the first minute sweep's patient alerts (labs due, review overdue: thousands at
    // 5,000 patients) raised now rather than as a storm in the middle of the measurements.
    const settleStarted = Date.now();
    await app.get(AlertEngine).processPendingEvents();
    await app.get(AlertEngine).sweep();
    await waitForEventConsumers(owner);
    console.log(`alert evaluation, sweep and fleet projection caught up in ${((Date.now() - settleStarted) / 1000).toFixed(1)} s`);

    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await browser.newContext({ viewport: VIEWPORT });
    await context.addInitScript(watchFirstRow);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.goto(`${baseUrl}/sign-in`);
    await page.locator('[data-testid="sign-in-email"]').fill(ADMIN.email);
    await page.locator('[data-testid="sign-in-password"]').fill(ADMIN.password);
    await page.locator('[data-testid="sign-in-submit"]').click();
    await page.locator('[data-testid="user-menu"]').waitFor({ state: 'attached' });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Record<string, number>> => {
      const { metrics: list } = await cdp.send('Performance.getMetrics');
      return Object.fromEntries(list.map((m) => [m.name, m.value]));
    };

    // BENCH_TRACE_KEYSTROKE=on: each keystroke's main-thread time by trace event (what TaskDuration is made of), printed per round.
    const traceEvents: { name: string; ph: string; dur?: number; tid: number; pid: number; args?: { name?: string } }[] = [];
    cdp.on('Tracing.dataCollected', ({ value }) => traceEvents.push(...(value as unknown as typeof traceEvents)));
    const startTrace = async (): Promise<void> => {
      traceEvents.length = 0;
      await cdp.send('Tracing.start', {
        categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8',
        transferMode: 'ReportEvents',
      });
    };
    const stopTrace = async (): Promise<string> => {
      const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.end');
      await complete;
      const main = traceEvents.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
      const byName = new Map<string, number>();
      for (const e of traceEvents) {
        if (!main || e.tid !== main.tid || e.pid !== main.pid || e.ph !== 'X' || e.dur === undefined) continue;
        byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
      }
      return [...byName]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 14)
        .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
        .join(', ');
    };

    const filled = new Set<string>();
    const measureRound = async (clinic: ClinicUnderTest): Promise<Round> => {
      const fleetUrl = (search: string): string => `${baseUrl}/?clinic=${clinic.fleet.clinicId}${search}`;
      const liveAndRows = async (): Promise<void> => {
        await page.locator('[data-testid="fleet-row"]').first().waitFor();
        await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ state: 'attached' });
      };

      // 1. Time to the first fleet row on screen, from navigation start (a fresh document: nothing of the fleet cached).
      await page.goto(fleetUrl(''), { waitUntil: 'commit' });
      await page.waitForFunction(() => (window as unknown as { __firstRowMs: number | null }).__firstRowMs !== null, undefined, {
        polling: 20,
      });
      const firstRowMs = await page.evaluate(() => (window as unknown as { __firstRowMs: number }).__firstRowMs);
      await liveAndRows();
      const rowsInDom = await page.locator('[data-testid="fleet-row"]').count();
      const elementsInDom = await page.evaluate(() => document.getElementsByTagName('*').length);

      // 2. A fill recorded through the API until the open dashboard's row shows the new volume (ordered by patient: it stays put).
      await page.goto(fleetUrl('&sort=patient'));
      await liveAndRows();
      const shown = await page
        .locator('[data-testid="fleet-row"]')
        .evaluateAll((els) => els.slice(0, 20).map((el) => el.getAttribute('data-pump-id') ?? ''));
      const rows = await Promise.all(
        shown.filter((id) => !filled.has(id)).map((id) => call<FleetPump>('GET', `/api/pumps/${id}/fleet-row`, token)),
      );
      const target = rows.find(
        (r) => r.status === 'ok' && r.volumeMl !== null && r.concentrationMcgPerMl !== null && r.pump.reservoirCapacityMl - r.volumeMl > 2,
      );
      if (!target) throw new Error(`no pump of the ${clinic.label} clinic on screen to fill`);
      filled.add(target.pump.id);
      const expected = `${target.pump.reservoirCapacityMl.toFixed(1)} / ${target.pump.reservoirCapacityMl} mL`;
      await page.evaluate(
        ({ id, text }) => {
          const w = window as unknown as { __fillShownAt: number | null };
          w.__fillShownAt = null;
          const check = (): void => {
            const cell = document.querySelector(`[data-testid="fleet-row"][data-pump-id="${id}"] [data-testid="fleet-volume"]`);
            if (!(cell?.textContent ?? '').includes(text)) return;
            w.__fillShownAt = Date.now();
            observer.disconnect();
          };
          const observer = new MutationObserver(check);
          observer.observe(document.body, { childList: true, subtree: true, characterData: true });
        },
        { id: target.pump.id, text: expected },
      );
      const fillStarted = Date.now();
      await call('POST', `/api/pumps/${target.pump.id}/fills`, token, {
        filledAt: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
        concentrationMcgPerMl: target.concentrationMcgPerMl,
        volumeMl: target.pump.reservoirCapacityMl,
        aspiratedResidualMl: Math.max(0, Math.round((target.volumeMl ?? 0) * 10) / 10),
      });
      await page.waitForFunction(() => (window as unknown as { __fillShownAt: number | null }).__fillShownAt !== null, undefined, {
        polling: 20,
      });
      const fillToRowMs = (await page.evaluate(() => (window as unknown as { __fillShownAt: number }).__fillShownAt)) - fillStarted;

      // 3. One keystroke in the filter: main-thread work (Chrome's task, script and layout time) from the key press until the
      //    filtered rows are on screen (the debounce's idle wait and the network are not main-thread work).
      await page.goto(fleetUrl(''));
      await liveAndRows();
      const matching = (await call<FleetPage>('GET', `/api/pumps?limit=1&q=${KEY}&clinicId=${clinic.fleet.clinicId}`, token)).total;
      await page.evaluate(() => {
        const w = window as unknown as { __longTasks: number[] };
        w.__longTasks = [];
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
        }).observe({ type: 'longtask' });
      });
      // The keystroke of someone already in the box: the filter is focused first and the page left to settle. (Focusing scrolls the
      // box into view below the alerts panel, 2,400 px at 200 pumps: that scroll's work is not the keystroke's.)
      const filter = page.locator('[data-testid="fleet-filter"]');
      await filter.focus();
      await page.waitForTimeout(500);
      const filterAnswer = page.waitForResponse((response) => {
        const url = new URL(response.url());
        return url.pathname === '/api/pumps' && url.searchParams.get('q') === KEY;
      });
      const atKeystroke = await page.evaluate(() => ({
        elements: document.getElementsByTagName('*').length,
        alertCards: document.querySelectorAll('[data-testid="alerts-panel"] li').length,
        heightPx: document.documentElement.scrollHeight,
      }));
      if (TRACE_KEYSTROKE) await startTrace();
      const before = await metrics();
      const keyAt = Date.now();
      await filter.press(KEY);
      await filterAnswer;
      // Watched by a MutationObserver in the page: Playwright's polling of a selector every frame would add its own work to the count.
      await page.evaluate(
        ({ selector, timeoutMs }) =>
          new Promise<void>((resolve, reject) => {
            const observer = new MutationObserver(() => {
              if (!document.querySelector(selector)) return;
              observer.disconnect();
              resolve();
            });
            if (document.querySelector(selector)) return resolve();
            observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['aria-rowcount', 'aria-busy'] });
            setTimeout(() => reject(new Error(`the filtered rows never showed: ${selector}`)), timeoutMs);
          }),
        { selector: `[data-testid="fleet-table"][aria-rowcount="${matching + 1}"][aria-busy="false"]`, timeoutMs: STEP_TIMEOUT_MS },
      );
      // The frame that shows them.
      await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
      const keystrokeToRowsMs = Date.now() - keyAt;
      const after = await metrics();
      if (TRACE_KEYSTROKE) console.log(`keystroke trace, ${clinic.label} clinic: ${await stopTrace()}`);
      const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
      const delta = (name: string): number => ((after[name] ?? 0) - (before[name] ?? 0)) * 1000;
      return {
        firstRowMs,
        fillToRowMs,
        rowsInDom,
        elementsInDom,
        keystrokeToRowsMs,
        elementsAtKeystroke: atKeystroke.elements,
        alertItemsAtKeystroke: atKeystroke.alertCards,
        pageHeightAtKeystroke: atKeystroke.heightPx,
        jsHeapAtKeystrokeMb: (before.JSHeapUsedSize ?? 0) / 1e6,
        keystrokeTaskMs: delta('TaskDuration'),
        keystrokeScriptMs: delta('ScriptDuration'),
        keystrokeLayoutMs: delta('LayoutDuration') + delta('RecalcStyleDuration'),
        keystrokeLongestTaskMs: longTasks.length > 0 ? Math.max(...longTasks) : 0,
      };
    };

    const measured = new Map<string, Round[]>(clinics.map((c) => [c.label, []]));
    for (let round = 0; round < ROUNDS + 1; round++) {
      for (const clinic of clinics) {
        const result = await measureRound(clinic);
        // The first round of each clinic warms the path (assets, connections, the server's first reads).
        if (round > 0) measured.get(clinic.label)!.push(result);
      }
    }

    // 4. The alerts page of the whole fleet (the administrator sees both clinics' alerts, so one page, not a comparison): the items
    //    it holds, and the main-thread work of one acknowledgement made elsewhere (POST through the API) until its card says so.
    const alertsPageRounds: { items: number; openMs: number; taskMs: number; scriptMs: number; toShownMs: number }[] = [];
    for (let round = 0; round < ROUNDS + 1; round++) {
      const openedAt = Date.now();
      await page.goto(`${baseUrl}/alerts`);
      await page.locator('[data-testid="alerts-page"] [data-testid="alerts-shown"]').waitFor();
      await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
      const openMs = Date.now() - openedAt;
      await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ state: 'attached' });
      const open = (await call<{ id: string; status: string }[]>('GET', '/api/alerts?limit=200', token)).filter((a) => a.status === 'open');
      const onPage = new Set(
        await page
          .locator('[data-testid="alerts-page"] [data-testid="alert-item"][data-status="open"]')
          .evaluateAll((els) => els.map((el) => el.getAttribute('data-alert-id'))),
      );
      const target = open.find((a) => onPage.has(a.id));
      if (!target) throw new Error('no open alert on the alerts page to acknowledge');
      await page.waitForTimeout(500);
      const items = await page.locator('[data-testid="alerts-page"] li').count();
      const before = await metrics();
      const startedAt = Date.now();
      const shown = page.evaluate(
        ({ id, timeoutMs }) =>
          new Promise<void>((resolve, reject) => {
            const selector = `[data-testid="alerts-page"] [data-alert-id="${id}"][data-status="acknowledged"]`;
            const observer = new MutationObserver(() => {
              if (!document.querySelector(selector)) return;
              observer.disconnect();
              requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
            });
            observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
            setTimeout(() => reject(new Error(`the acknowledgement never showed: ${id}`)), timeoutMs);
          }),
        { id: target.id, timeoutMs: STEP_TIMEOUT_MS },
      );
      await call('POST', `/api/alerts/${target.id}/acknowledge`, token, { note: 'bench' });
      await shown;
      const toShownMs = Date.now() - startedAt;
      const after = await metrics();
      const delta = (name: string): number => ((after[name] ?? 0) - (before[name] ?? 0)) * 1000;
      if (round > 0) alertsPageRounds.push({ items, openMs, taskMs: delta('TaskDuration'), scriptMs: delta('ScriptDuration'), toShownMs });
    }

    const small = measured.get('small')!;
    const large = measured.get('large')!;
    const figure = (rounds: Round[], key: keyof Round): number => median(rounds.map((r) => r[key]));
    const measures: { name: string; unit: string; key: keyof Round; goal: string }[] = [
      { name: 'first_fleet_row_on_screen', unit: 'ms', key: 'firstRowMs', goal: 'ratio <= 2' },
      { name: 'fill_to_row_updated', unit: 'ms', key: 'fillToRowMs', goal: 'ratio <= 2' },
      { name: 'keystroke_main_thread_work', unit: 'ms', key: 'keystrokeTaskMs', goal: '< 100 ms' },
      { name: 'keystroke_script', unit: 'ms', key: 'keystrokeScriptMs', goal: '' },
      { name: 'keystroke_layout_and_style', unit: 'ms', key: 'keystrokeLayoutMs', goal: '' },
      { name: 'keystroke_longest_task', unit: 'ms', key: 'keystrokeLongestTaskMs', goal: '' },
      { name: 'keystroke_to_filtered_rows', unit: 'ms', key: 'keystrokeToRowsMs', goal: '' },
      { name: 'fleet_rows_in_dom', unit: 'rows', key: 'rowsInDom', goal: 'a few hundred at most' },
      { name: 'elements_in_dom', unit: 'elements', key: 'elementsInDom', goal: '' },
      { name: 'elements_at_keystroke', unit: 'elements', key: 'elementsAtKeystroke', goal: '' },
      { name: 'alert_list_items_at_keystroke', unit: 'items', key: 'alertItemsAtKeystroke', goal: '' },
      { name: 'page_height_at_keystroke', unit: 'px', key: 'pageHeightAtKeystroke', goal: '' },
      { name: 'js_heap_at_keystroke', unit: 'MB', key: 'jsHeapAtKeystrokeMb', goal: '' },
    ];
    const rows = measures.map((m) => ({ ...m, small: figure(small, m.key), large: figure(large, m.key) }));
    console.log(
      `\nDashboard in Chromium at ${SMALL_PUMPS.toLocaleString('en')} vs ${LARGE_PUMPS.toLocaleString('en')} pumps, same run,` +
        ` median of ${ROUNDS} rounds after a warm-up, ${VIEWPORT.width}x${VIEWPORT.height}, key "${KEY}"; load average now ${loadAverage()}`,
    );
    printComparisonTable(rows, {
      smallPumps: SMALL_PUMPS,
      largePumps: LARGE_PUMPS,
      widths: { name: 32, unit: 10, value: 13, ratio: 8 },
      goalColumn: true,
    });
    console.log(
      '(first row: navigation start to the first fleet row in the DOM plus one frame; fill: POST until the row shows the new volume;' +
        ' keystroke: Chrome Performance.getMetrics TaskDuration from the key press until the filtered rows are painted, the 200 ms debounce idle excluded)',
    );
    printResultLines(rows, { smallPumps: SMALL_PUMPS, largePumps: LARGE_PUMPS }, (row) => ({
      smallRounds: small.map((r) => Number(r[row.key].toFixed(1))),
      largeRounds: large.map((r) => Number(r[row.key].toFixed(1))),
    }));
    const alertsFigure = (key: keyof (typeof alertsPageRounds)[number]): string =>
      median(alertsPageRounds.map((r) => r[key])).toLocaleString('en', { maximumFractionDigits: 1 });
    console.log(
      `\nAlerts page of both clinics (median of ${ROUNDS}): ${alertsFigure('items')} list items, opened in ${alertsFigure('openMs')} ms` +
        ` (navigation until every loaded alert is listed);` +
        ` one acknowledgement made elsewhere: ${alertsFigure('taskMs')} ms main-thread work (script ${alertsFigure('scriptMs')} ms),` +
        ` ${alertsFigure('toShownMs')} ms from the POST until its card shows it`,
    );
    console.log(JSON.stringify({ name: 'alerts_page_acknowledgement', rounds: alertsPageRounds }));
    console.log(`load average at end: ${loadAverage()}`);
  } finally {
    await browser?.close();
    await owner.end().catch(() => undefined);
    await app?.close();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exitCode = 1;
});
