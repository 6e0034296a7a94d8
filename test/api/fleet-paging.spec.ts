// GET /api/pumps paged from the fleet read model on real PostgreSQL (issue 15): keyset pages that cover the fleet once in every
// order, counts per urgency, the urgency and text filters in SQL, a cursor that survives new rows, and refused parameters.
import { foldForSearch } from '@pumpwatch/shared';
import type { FleetPage, FleetPump, FleetSortKey, Urgency } from '@pumpwatch/shared';
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures } from '../support/fixtures';
import { useTestServer } from '../support/test-server';

const NOW = '2026-06-01T12:00:00.000Z';
const SORTS: FleetSortKey[] = ['urgency', 'patient', 'daysLeft', 'deadline', 'reservoir'];

describe('fleet paging', () => {
  let f: ReturnType<typeof fixtures>;
  const clock = new ManualClock(NOW);
  const server = useTestServer({ clock, sessionHours: 24 * 365, logLevel: 'error' });
  let clinicId: string;
  let otherClinicId: string;

  /** 20 mL at 500 mcg/mL, 100 mcg/day = 0.2 mL/day: the deadline ~90 days after the fill; fill dates spread every band. */
  const FILL_DAYS_AGO = [100, 95, 89, 88, 86, 84, 80, 75, 70, 65, 60, 50, 40, 30, 20, 10, 5, 2, 1, 0];
  const NAMES = [
    'Zoé Ardent',
    'Émile Brun',
    'chloe Caron',
    'Chloé Dubois',
    'Bastien Éluard',
    'Anna Faure',
    'Luc Garnier',
    'Inès Henry',
    'Hugo Imbert',
    'Jade Joly',
    'Kevin Klein',
    'Léa Lambert',
    'Marc Martin',
    'Nina Noël',
    'Olivier Ory',
    'Paul Petit',
    'Quentin Roux',
    'Rose Simon',
    'Sarah Thomas',
    'Tom Vidal',
  ];

  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    clinicId = (await f.clinic({ name: 'Paging Clinic' })).id;
    otherClinicId = (await f.clinic({ name: 'Other Clinic' })).id;
    for (const [i, daysAgo] of FILL_DAYS_AGO.entries()) {
      const patient = await f.patient(clinicId, { displayName: NAMES[i] });
      const pump = await f.pump(patient.id);
      await f.program(pump.id, { effectiveFrom: '2026-01-01T08:00:00Z' });
      await f.fill(pump.id, { filledAt: new Date(Date.parse(NOW) - daysAgo * 86_400_000).toISOString(), volumeMl: 18 + (i % 3) });
    }
    // Two pumps without a forecast (no fill): nobody knows their deadline, so they sort first ascending on deadline and volume.
    for (const name of ['Yann Sansfill', 'Xavier Sansfill']) await f.pump((await f.patient(clinicId, { displayName: name })).id);
    const other = await f.patient(otherClinicId, { displayName: 'Other Patient' });
    const otherPump = await f.pump(other.id);
    await f.program(otherPump.id, { effectiveFrom: '2026-01-01T08:00:00Z' });
    await f.fill(otherPump.id, { filledAt: '2026-05-01T08:00:00Z' });
  });

  const all = async (query: string): Promise<FleetPump[]> => {
    const res = await f.http.get<FleetPump[]>(`/api/pumps?clinicId=${clinicId}${query}`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    return res.body;
  };
  const page = async (query: string): Promise<FleetPage> => {
    const res = await f.http.get<FleetPage>(`/api/pumps?clinicId=${clinicId}${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Every page of `query` by following nextCursor, `limit` rows at a time. */
  const walk = async (query: string, limit: number): Promise<{ rows: FleetPump[]; pages: FleetPage[] }> => {
    const pages: FleetPage[] = [];
    let cursor: string | null = null;
    do {
      const next: FleetPage = await page(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      pages.push(next);
      cursor = next.nextCursor;
    } while (cursor !== null && pages.length < 50);
    return { rows: pages.flatMap((p) => p.rows), pages };
  };
  const ids = (rows: FleetPump[]) => rows.map((r) => r.pump.id);

  it('answers the bare array without limit, and a FleetPage with counts per urgency and the total with it', async () => {
    const fleet = await all('');
    expect(fleet).toHaveLength(22);
    const first = await page('&limit=5');
    expect(first.rows).toHaveLength(5);
    expect(ids(first.rows)).toEqual(ids(fleet).slice(0, 5));
    expect(first.total).toBe(22);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(first.lastEventId).toBeGreaterThan(0);
    const expected: Partial<Record<Urgency, number>> = {};
    for (const row of fleet) expected[row.urgency] = (expected[row.urgency] ?? 0) + 1;
    for (const [urgency, n] of Object.entries(first.counts)) expect(n).toBe(expected[urgency as Urgency] ?? 0);
    // The spread reaches every deadline band, and the two pumps without a fill.
    expect(Object.keys(expected).sort()).toEqual(['critical', 'no_forecast', 'ok', 'overdue', 'urgent', 'warning']);
    expect(first.rows.every((r) => typeof r.fleetRowVersion === 'number' && r.fleetRowVersion > 0)).toBe(true);
  });

  it.each(SORTS.flatMap((sort) => (['ascending', 'descending'] as const).map((dir) => [sort, dir] as const)))(
    'pages in %s %s cover the fleet once, in the same order as the whole list',
    async (sort, dir) => {
      const whole = await all(`&sort=${sort}&dir=${dir}`);
      const { rows, pages } = await walk(`&sort=${sort}&dir=${dir}`, 4);
      expect(pages).toHaveLength(6);
      expect(ids(rows)).toEqual(ids(whole));
      expect(new Set(ids(rows)).size).toBe(22);
      const sign = dir === 'ascending' ? 1 : -1;
      const key = (r: FleetPump): number | string => {
        switch (sort) {
          case 'patient':
            return foldForSearch(r.patient.displayName);
          case 'daysLeft':
            return r.daysLeft ?? Number.NEGATIVE_INFINITY;
          case 'deadline':
            return r.refillDeadline ? Date.parse(r.refillDeadline) : Number.NEGATIVE_INFINITY;
          case 'reservoir':
            return r.volumeMl ?? Number.NEGATIVE_INFINITY;
          case 'urgency':
            return ['delivery_interrupted', 'overdue', 'critical', 'no_forecast', 'urgent', 'warning', 'ok'].indexOf(r.urgency);
        }
      };
      for (let i = 1; i < rows.length; i++) {
        const [a, b] = [key(rows[i - 1]), key(rows[i])];
        // Pumps without a forecast for under 24 h rank with the warning band: the urgency key is checked on the bands with a deadline.
        if (sort === 'urgency' && (rows[i - 1].urgency === 'no_forecast' || rows[i].urgency === 'no_forecast')) continue;
        expect(sign * (a < b ? -1 : a > b ? 1 : 0)).toBeLessThanOrEqual(0);
      }
    },
  );

  it('puts the most urgent pump first by default and the unknown deadlines first on deadline ascending', async () => {
    const byUrgency = await page('&limit=3');
    expect(byUrgency.rows[0].urgency).toBe('overdue');
    const byDeadline = await page('&limit=3&sort=deadline&dir=ascending');
    expect(
      byDeadline.rows
        .slice(0, 2)
        .map((r) => r.patient.displayName)
        .sort(),
    ).toEqual(['Xavier Sansfill', 'Yann Sansfill']);
  });

  it('filters by urgency in SQL (one level or a list), with the total of the filtered rows and the counts of every level', async () => {
    const overdue = await walk('&urgency=overdue', 2);
    expect(overdue.rows.length).toBeGreaterThan(0);
    expect(overdue.rows.every((r) => r.urgency === 'overdue')).toBe(true);
    expect(overdue.pages[0].total).toBe(overdue.rows.length);
    expect(overdue.pages[0].counts.overdue).toBe(overdue.rows.length);
    expect(overdue.pages[0].counts.ok).toBeGreaterThan(0);
    const two = await all('&urgency=overdue,critical');
    expect(new Set(two.map((r) => r.urgency))).toEqual(new Set(['overdue', 'critical']));
  });

  it('matches every word of q in name, MRN, serial and model regardless of accents and case, counts included', async () => {
    const chloe = await page('&limit=10&q=CHLOE');
    expect(chloe.rows.map((r) => r.patient.displayName).sort()).toEqual(['Chloé Dubois', 'chloe Caron']);
    expect(chloe.total).toBe(2);
    expect(Object.values(chloe.counts).reduce((a, b) => a + b, 0)).toBe(2);
    expect((await page('&limit=10&q=chloe%20dub')).rows.map((r) => r.patient.displayName)).toEqual(['Chloé Dubois']);
    const serial = (await all(''))[3].pump.serialNumber;
    expect(ids((await page(`&limit=10&q=${encodeURIComponent(serial)}`)).rows)).toHaveLength(1);
    expect((await page('&limit=10&q=synchromed')).total).toBe(22);
    expect((await page('&limit=10&q=nobody%25here')).rows).toEqual([]);
  });

  it('keeps a cursor valid while the fleet changes: a pump added ahead of it is not repeated, nothing already listed is skipped', async () => {
    const first = await page('&limit=6&sort=patient');
    const before = ids(await all('&sort=patient'));
    // 'Aaron' sorts before every row of the first page: the rest of the walk neither repeats nor skips a row listed before.
    const added = await f.pump((await f.patient(clinicId, { displayName: 'Aaron Newcomer' })).id);
    let cursor = first.nextCursor;
    const rest: FleetPump[] = [];
    while (cursor) {
      const next = await page(`&limit=6&sort=patient&cursor=${encodeURIComponent(cursor)}`);
      rest.push(...next.rows);
      cursor = next.nextCursor;
    }
    expect([...ids(first.rows), ...ids(rest)]).toEqual(before);
    expect(ids(rest)).not.toContain(added.id);
    expect((await page('&limit=1&sort=patient')).rows[0].pump.id).toBe(added.id);
  });

  it('refuses a forged or mismatched cursor and bad parameters with 400 naming the field, and scopes to the clinic', async () => {
    const first = await page('&limit=3&sort=patient');
    const expect400 = async (query: string, field: string) => {
      const res = await f.http.get(`/api/pumps?clinicId=${clinicId}${query}`);
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    };
    await expect400('&limit=3&cursor=not-a-cursor', 'cursor');
    await expect400(`&limit=3&sort=deadline&cursor=${encodeURIComponent(first.nextCursor as string)}`, 'cursor');
    await expect400(`&limit=3&cursor=${Buffer.from('{"s":"patient","d":"ascending","k":[1,2]}').toString('base64url')}`, 'cursor');
    await expect400('&limit=0', 'limit');
    await expect400('&limit=501', 'limit');
    await expect400('&limit=ten', 'limit');
    await expect400('&urgency=panic', 'urgency');
    await expect400('&sort=colour', 'sort');
    await expect400('&dir=sideways', 'dir');
    const other = await f.http.get<FleetPage>(`/api/pumps?clinicId=${otherClinicId}&limit=10`);
    expect(other.body.rows.map((r) => r.patient.displayName)).toEqual(['Other Patient']);
    expect(other.body.total).toBe(1);
  });

  it('re-ranks with the clock: a pump crossing into the overdue band moves up and the counts follow', async () => {
    const before = await page('&limit=100');
    clock.set(new Date(Date.parse(NOW) + 3 * 86_400_000).toISOString());
    try {
      const after = await page('&limit=100');
      expect(after.counts.overdue).toBeGreaterThan(before.counts.overdue);
      expect(after.rows.filter((r) => r.urgency === 'overdue').length).toBe(after.counts.overdue);
    } finally {
      clock.set(NOW);
    }
  });
});
