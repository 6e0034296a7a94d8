// Who is on call at an instant: shift boundaries, handover overlaps, backups, cancellations, a daylight-saving night.
import { exceedsMaxShiftLength, RosterShift, shiftLengthHours, shiftsOverlap } from './shift-rules';
import { whoIsOnCall } from './who-is-on-call';

const shift = (clinicianId: string, startsAt: string, endsAt: string, over: Partial<RosterShift> = {}): RosterShift => ({
  clinicianId,
  tier: 'primary',
  startsAt,
  endsAt,
  cancelledAt: null,
  ...over,
});

// Day 08:00-20:00 UTC (Anne), night 20:00-08:00 (Ben), with Carla as backup for the whole 24 h from 08:00.
const roster: RosterShift[] = [
  shift('anne', '2026-03-02T08:00:00Z', '2026-03-02T20:00:00Z'),
  shift('ben', '2026-03-02T20:00:00Z', '2026-03-03T08:00:00Z'),
  shift('carla', '2026-03-02T08:00:00Z', '2026-03-03T08:00:00Z', { tier: 'backup' }),
];

describe('whoIsOnCall at shift boundaries (start inclusive, end exclusive)', () => {
  const cases: { at: string; primary: string[]; backup: string[]; noOneOnCall: boolean; why: string }[] = [
    { at: '2026-03-02T07:59:59.999Z', primary: [], backup: [], noOneOnCall: true, why: '1 ms before the first shift: nobody' },
    {
      at: '2026-03-02T08:00:00.000Z',
      primary: ['anne'],
      backup: ['carla'],
      noOneOnCall: false,
      why: 'the start instant belongs to the shift',
    },
    { at: '2026-03-02T19:59:59.999Z', primary: ['anne'], backup: ['carla'], noOneOnCall: false, why: 'last ms of the day shift' },
    {
      at: '2026-03-02T20:00:00.000Z',
      primary: ['ben'],
      backup: ['carla'],
      noOneOnCall: false,
      why: 'the end instant belongs to the next shift, never both',
    },
    { at: '2026-03-03T07:59:59.999Z', primary: ['ben'], backup: ['carla'], noOneOnCall: false, why: 'last ms of the night shift' },
    { at: '2026-03-03T08:00:00.000Z', primary: [], backup: [], noOneOnCall: true, why: 'every shift has ended' },
  ];
  it.each(cases)('$at: $why', ({ at, primary, backup, noOneOnCall }) => {
    expect(whoIsOnCall(roster, new Date(at))).toEqual({
      at: new Date(at).toISOString(),
      primaryClinicianIds: primary,
      backupClinicianIds: backup,
      noOneOnCall,
    });
  });
});

describe('whoIsOnCall in other situations', () => {
  it('lists both primaries during a handover overlap, the earlier shift first', () => {
    // Ben arrives 30 min before Anne leaves: 19:30-20:00 both are primary.
    const shifts = [
      shift('ben', '2026-03-02T19:30:00Z', '2026-03-03T08:00:00Z'),
      shift('anne', '2026-03-02T08:00:00Z', '2026-03-02T20:00:00Z'),
    ];
    expect(whoIsOnCall(shifts, new Date('2026-03-02T19:45:00Z')).primaryClinicianIds).toEqual(['anne', 'ben']);
    expect(whoIsOnCall(shifts, new Date('2026-03-02T20:00:00Z')).primaryClinicianIds).toEqual(['ben']);
  });

  it('says no one on call when only a backup covers the instant', () => {
    const result = whoIsOnCall(
      [shift('carla', '2026-03-02T08:00:00Z', '2026-03-03T08:00:00Z', { tier: 'backup' })],
      new Date('2026-03-02T12:00:00Z'),
    );
    expect(result).toMatchObject({ primaryClinicianIds: [], backupClinicianIds: ['carla'], noOneOnCall: true });
  });

  it('counts a cancelled shift until its cancellation and not after', () => {
    // Cancelled at 14:00 during a 08:00-20:00 shift: on call at 13:59, not at 14:00; a shift cancelled before it began never covers.
    const shifts = [
      shift('anne', '2026-03-02T08:00:00Z', '2026-03-02T20:00:00Z', { cancelledAt: '2026-03-02T14:00:00Z' }),
      shift('dan', '2026-03-02T08:00:00Z', '2026-03-02T20:00:00Z', { tier: 'backup', cancelledAt: '2026-03-01T09:00:00Z' }),
    ];
    expect(whoIsOnCall(shifts, new Date('2026-03-02T13:59:59Z'))).toMatchObject({ primaryClinicianIds: ['anne'], backupClinicianIds: [] });
    expect(whoIsOnCall(shifts, new Date('2026-03-02T14:00:00Z'))).toMatchObject({ primaryClinicianIds: [], noOneOnCall: true });
  });

  it('names a clinician once, as primary, when history holds them on both tiers', () => {
    const shifts = [
      shift('anne', '2026-03-02T08:00:00Z', '2026-03-02T20:00:00Z'),
      shift('anne', '2026-03-02T10:00:00Z', '2026-03-02T12:00:00Z', { tier: 'backup' }),
    ];
    expect(whoIsOnCall(shifts, new Date('2026-03-02T11:00:00Z'))).toMatchObject({ primaryClinicianIds: ['anne'], backupClinicianIds: [] });
  });

  it('covers a Paris night across the autumn clock change by its UTC instants', () => {
    // Europe/Paris leaves summer time on 2026-10-25 at 03:00 CEST (01:00Z). Night 20:00 CEST (18:00Z) to 08:00 CET (07:00Z) = 13 h lived.
    const night = shift('ben', '2026-10-24T18:00:00Z', '2026-10-25T07:00:00Z');
    expect(shiftLengthHours(night.startsAt, night.endsAt)).toBe(13);
    // 02:30 local happens twice (00:30Z CEST and 01:30Z CET); both are inside the shift, 07:00Z (08:00 CET) is not.
    expect(whoIsOnCall([night], new Date('2026-10-25T00:30:00Z')).primaryClinicianIds).toEqual(['ben']);
    expect(whoIsOnCall([night], new Date('2026-10-25T01:30:00Z')).primaryClinicianIds).toEqual(['ben']);
    expect(whoIsOnCall([night], new Date('2026-10-25T07:00:00Z')).noOneOnCall).toBe(true);
  });
});

describe('shift rules', () => {
  it.each([
    ['exactly 7 days (168 h) is allowed', '2026-03-02T08:00:00Z', '2026-03-09T08:00:00Z', false],
    ['7 days and 1 s is too long', '2026-03-02T08:00:00Z', '2026-03-09T08:00:01Z', true],
    // Paris spring-forward week: 7 calendar days from 08:00 local is 167 h lived, within the limit.
    ['a Paris week across the spring change (167 h)', '2026-03-23T07:00:00Z', '2026-03-30T06:00:00Z', false],
  ])('%s', (_name, startsAt, endsAt, tooLong) => {
    expect(exceedsMaxShiftLength(startsAt, endsAt)).toBe(tooLong);
  });

  it.each([
    ['touching ends do not overlap', ['08:00', '20:00'], ['20:00', '23:00'], false],
    ['one minute of overlap does', ['08:00', '20:00'], ['19:59', '23:00'], true],
    ['containment does', ['08:00', '20:00'], ['10:00', '11:00'], true],
  ])('%s', (_name, a, b, overlap) => {
    const at = (hhmm: string) => `2026-03-02T${hhmm}:00Z`;
    expect(shiftsOverlap({ startsAt: at(a[0]), endsAt: at(a[1]) }, { startsAt: at(b[0]), endsAt: at(b[1]) })).toBe(overlap);
    expect(shiftsOverlap({ startsAt: at(b[0]), endsAt: at(b[1]) }, { startsAt: at(a[0]), endsAt: at(a[1]) })).toBe(overlap);
  });
});
