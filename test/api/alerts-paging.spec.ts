// GET /api/alerts paging on real PostgreSQL (issue 15): keyset pages in the list's order cover every alert once, the counts headers
// (x-total-count, x-severity-counts) agree with the alerts, a cursor stays good while a new alert is raised between pages, and a
// cursor the list never gave out answers 400 naming `cursor`.
import type { Alert, AlertSeverity } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures } from '../support/fixtures';
import type { api, JsonResponse } from '../support/http';
import { useTestServer } from '../support/test-server';

// Every pump: 20 mL of 500 mcg/mL at 100 mcg/day = 0.2 mL/day, alarm volume 2 mL after 90 days, so the refill deadline is the fill
// + 90 days; the refill_due alert is a warning from 21 days before it, urgent from 7 days, critical from 2 days (as alert-order.spec).
// At SWEEP (07-25 12:00Z): filled 04-27 (deadline 07-26) critical; filled 05-01 (deadline 07-30) urgent; filled 05-10 (deadline 08-08) warning.
const START = '2026-06-01T12:00:00.000Z';
const SWEEP = '2026-07-25T12:00:00.000Z';
const GROUPS: { filledOn: string; pumps: number }[] = [
  { filledOn: '2026-04-27', pumps: 3 },
  { filledOn: '2026-05-01', pumps: 5 },
  { filledOn: '2026-05-10', pumps: 6 },
];

type Counts = Record<AlertSeverity, number>;

describe('GET /api/alerts paging', () => {
  let f: ReturnType<typeof fixtures>;
  let engine: AlertEngine;
  let clinic: { id: string };
  let clinician: { token: string; http: ReturnType<typeof api> };
  const clock = new ManualClock(START);
  const server = useTestServer({ clock, sessionHours: 24 * 365 });

  /** A pump filled on `day` at 09:00Z plus `minutes` (so the alerts' thresholds fall at different minutes, never at a sweep). */
  const newPump = async (day: string, minutes: number) => {
    const patient = await f.patient(clinic.id);
    const pump = await f.pump(patient.id);
    await f.program(pump.id, { effectiveFrom: '2026-04-20T08:00:00Z' });
    await f.fill(pump.id, {
      filledAt: new Date(Date.parse(`${day}T09:00:00Z`) + minutes * 60_000).toISOString(),
      volumeMl: 20,
      concentrationMcgPerMl: 500,
    });
    await engine.processPendingEvents();
    return pump as { id: string };
  };
  const list = async (path: string, http = f.http): Promise<JsonResponse<Alert[]>> => {
    const res = await http.get<Alert[]>(path);
    expect(res.status).toBe(200);
    return res;
  };
  const countsOf = (res: JsonResponse<Alert[]>): Counts => JSON.parse(res.headers.get('x-severity-counts') as string) as Counts;
  const total = (res: JsonResponse<Alert[]>): number => Number(res.headers.get('x-total-count'));
  /** Every page from `first`, following x-next-cursor; `between` runs once after the first page. */
  const allPages = async (first: string, between?: () => Promise<void>): Promise<JsonResponse<Alert[]>[]> => {
    const pages = [await list(first)];
    if (between) await between();
    for (
      let cursor = pages[0].headers.get('x-next-cursor');
      cursor !== null;
      cursor = pages[pages.length - 1].headers.get('x-next-cursor')
    ) {
      pages.push(await list(`${first}&cursor=${encodeURIComponent(cursor)}`));
      expect(pages.length).toBeLessThan(50);
    }
    return pages;
  };

  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    engine = server.app.get(AlertEngine);
    clinic = await f.clinic({ name: 'Paging Clinic' });
    clinician = await f.member(clinic.id, 'clinician', 'paging-clinician');
    for (const group of GROUPS) {
      for (let i = 0; i < group.pumps; i++) await newPump(group.filledOn, 10 * i);
    }
    clock.set(SWEEP);
    await engine.sweep();
  });

  it('pages through every alert once, in the list order, with the counts of all pages on each', async () => {
    const whole = await list(`/api/alerts?clinicId=${clinic.id}&limit=1000`);
    const all = whole.body;
    const expected: Counts = { critical: 0, urgent: 0, warning: 0 };
    for (const alert of all) expected[alert.severity]++;
    // 3 critical, 5 urgent and 6 warning refill_due alerts at least (one per pump); other kinds may come with them.
    expect(
      all
        .filter((a) => a.kind === 'refill_due')
        .map((a) => a.severity)
        .join(','),
    ).toBe([...Array(3).fill('critical'), ...Array(5).fill('urgent'), ...Array(6).fill('warning')].join(','));
    expect(total(whole)).toBe(all.length);
    expect(countsOf(whole)).toEqual(expected);
    expect(whole.headers.get('x-next-cursor')).toBeNull();
    expect(whole.headers.get('link')).toBeNull();

    const pages = await allPages(`/api/alerts?clinicId=${clinic.id}&limit=4`);
    expect(pages.length).toBe(Math.ceil(all.length / 4));
    expect(pages.flatMap((p) => p.body.map((a) => a.id))).toEqual(all.map((a) => a.id));
    for (const page of pages) {
      expect(total(page)).toBe(all.length);
      expect(countsOf(page)).toEqual(expected);
    }
    expect(pages[pages.length - 1].headers.get('x-next-cursor')).toBeNull();
    expect(pages[pages.length - 1].headers.get('link')).toBeNull();

    // The link header is this request with the next cursor: following it gives the second page.
    const link = pages[0].headers.get('link') as string;
    const cursor = pages[0].headers.get('x-next-cursor') as string;
    expect(link).toBe(`</api/alerts?clinicId=${clinic.id}&limit=4&cursor=${cursor}>; rel="next"`);
    const followed = await list(link.slice(1, link.indexOf('>')));
    expect(followed.body.map((a) => a.id)).toEqual(pages[1].body.map((a) => a.id));
  });

  it('counts only the asked severity in x-total-count and every severity in x-severity-counts', async () => {
    const whole = await list(`/api/alerts?clinicId=${clinic.id}&limit=1000`);
    const urgent = whole.body.filter((a) => a.severity === 'urgent');
    const pages = await allPages(`/api/alerts?clinicId=${clinic.id}&severity=urgent&limit=2`);
    expect(pages.flatMap((p) => p.body.map((a) => a.id))).toEqual(urgent.map((a) => a.id));
    expect(total(pages[0])).toBe(urgent.length);
    expect(countsOf(pages[0])).toEqual(countsOf(whole));
  });

  it('keeps a cursor good when a new alert is raised between two pages: every alert listed once, none skipped', async () => {
    const before = (await list(`/api/alerts?clinicId=${clinic.id}&limit=1000`)).body;
    // New pumps whose refill alerts are raised one minute later: a critical one (above the first page's end) and a warning one
    // (at the top of the warnings, below the first page's end).
    const pumps: { critical?: { id: string }; warning?: { id: string } } = {};
    const pages = await allPages(`/api/alerts?clinicId=${clinic.id}&limit=5`, async () => {
      pumps.critical = await newPump('2026-04-27', 55);
      pumps.warning = await newPump('2026-05-10', 55);
      clock.set('2026-07-25T12:01:00.000Z');
      await engine.sweep();
    });
    const after = (await list(`/api/alerts?clinicId=${clinic.id}&limit=1000`)).body;
    const refillOf = (pump: { id: string } | undefined) => after.find((a) => a.pumpId === pump?.id && a.kind === 'refill_due') as Alert;
    const [newCritical, newWarning] = [refillOf(pumps.critical), refillOf(pumps.warning)];
    expect([newCritical.severity, newWarning.severity]).toEqual(['critical', 'warning']);
    // Nothing of before went away meanwhile: the new pumps only added alerts (their patients' alerts too).
    expect(after.map((a) => a.id)).toEqual(expect.arrayContaining(before.map((a) => a.id)));

    const listed = pages.flatMap((p) => p.body.map((a) => a.id));
    expect(new Set(listed).size).toBe(listed.length);
    for (const alert of before) expect(listed).toContain(alert.id);
    // The new warning sorts after the first page's end, so a later page lists it; the new critical sorts before it (the socket
    // brings it to a dashboard).
    expect(pages[0].body.map((a) => a.severity)).toContain('critical');
    expect(listed).toContain(newWarning.id);
    expect(listed).not.toContain(newCritical.id);
    // The later pages' counts include the new alerts.
    expect(total(pages[pages.length - 1])).toBe(after.length);
  });

  it("counts and pages without the caller's snoozed alerts unless includeSnoozed=true", async () => {
    const mine = await list(`/api/alerts?clinicId=${clinic.id}&limit=1000`, clinician.http);
    const warning = mine.body.find((a) => a.severity === 'warning') as Alert;
    expect((await clinician.http.post(`/api/alerts/${warning.id}/snooze`, { minutes: 60 })).status).toBe(200);
    const hidden = await list(`/api/alerts?clinicId=${clinic.id}&limit=3`, clinician.http);
    expect(total(hidden)).toBe(total(mine) - 1);
    expect(countsOf(hidden).warning).toBe(countsOf(mine).warning - 1);
    const paged: string[] = [];
    for (let res = hidden; ;) {
      paged.push(...res.body.map((a) => a.id));
      const cursor = res.headers.get('x-next-cursor');
      if (cursor === null) break;
      res = await list(`/api/alerts?clinicId=${clinic.id}&limit=3&cursor=${encodeURIComponent(cursor)}`, clinician.http);
    }
    expect(paged).toEqual(mine.body.map((a) => a.id).filter((id) => id !== warning.id));
    const withSnoozed = await list(`/api/alerts?clinicId=${clinic.id}&limit=3&includeSnoozed=true`, clinician.http);
    expect(total(withSnoozed)).toBe(total(mine));
    // Another user's list is not changed by it.
    expect(total(await list(`/api/alerts?clinicId=${clinic.id}&limit=3`))).toBe(total(mine));
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['JSON of another shape', Buffer.from(JSON.stringify({ s: 'urgent' })).toString('base64url')],
    [
      'an unknown severity',
      Buffer.from(JSON.stringify({ s: 'grave', t: '1', i: '00000000-0000-4000-8000-000000000000' })).toString('base64url'),
    ],
    [
      'an instant beyond any raise',
      Buffer.from(JSON.stringify({ s: 'urgent', t: '99999999999999999999', i: '00000000-0000-4000-8000-000000000000' })).toString(
        'base64url',
      ),
    ],
    ['SQL in the id', Buffer.from(JSON.stringify({ s: 'urgent', t: '1', i: "x' OR 1=1 --" })).toString('base64url')],
    ['an empty value', ''],
  ])('answers 400 naming cursor for a cursor that is %s', async (_label, cursor) => {
    const res = await f.http.get(`/api/alerts?clinicId=${clinic.id}&cursor=${encodeURIComponent(cursor)}`);
    expect(res.status).toBe(400);
    expect((res.body as { fields: { field: string }[] }).fields.map((x) => x.field)).toContain('cursor');
  });
});
