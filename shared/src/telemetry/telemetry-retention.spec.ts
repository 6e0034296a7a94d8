// Hand-computed downsampling cases: last reading per UTC hour, alarms, battery, program changes, the cutoff, per pump.
import { readingsKeptByRetention, RetainedReadingFacts, telemetryRetentionCutoff } from './telemetry-retention';

// Retention 30 days at 2026-06-01T12:30Z: cutoff 2026-05-02T12:30Z, so 2026-04-01 readings are old.
const NOW = new Date('2026-06-01T12:30:00Z');
const OLD_DAY = '2026-04-01';
const r = (time: string, over: Partial<RetainedReadingFacts> = {}): RetainedReadingFacts => ({
  pumpId: 'p1',
  recordedAt: time.includes('T') ? time : `${OLD_DAY}T${time}:00.000Z`,
  alarms: null,
  batteryStatus: null,
  programDoseMcgPerDay: null,
  programConcentrationMcgPerMl: null,
  ...over,
});
const label = (reading: RetainedReadingFacts) => `${reading.pumpId} ${reading.recordedAt.slice(0, 16)}`;

describe('telemetryRetentionCutoff', () => {
  it('is now minus the retention days, and null when the clinic keeps everything', () => {
    expect(telemetryRetentionCutoff(NOW, 30)?.toISOString()).toBe('2026-05-02T12:30:00.000Z');
    expect(telemetryRetentionCutoff(NOW, 1)?.toISOString()).toBe('2026-05-31T12:30:00.000Z');
    expect(telemetryRetentionCutoff(NOW, null)).toBeNull();
  });
});

describe('readingsKeptByRetention (30 days, now 2026-06-01T12:30Z)', () => {
  it.each([
    {
      name: 'keeps only the last reading of each UTC hour among old readings',
      readings: [r('10:05'), r('10:20'), r('10:50'), r('11:10'), r('11:59')],
      kept: ['p1 2026-04-01T10:50', 'p1 2026-04-01T11:59'],
    },
    {
      name: 'keeps a reading with alarms, not one with an empty alarm array',
      readings: [r('10:05', { alarms: ['low_reservoir'] }), r('10:20', { alarms: [] }), r('10:50')],
      kept: ['p1 2026-04-01T10:05', 'p1 2026-04-01T10:50'],
    },
    {
      name: 'keeps every battery status other than ok',
      readings: [
        r('10:05', { batteryStatus: 'eri' }),
        r('10:20', { batteryStatus: 'ok' }),
        r('10:30', { batteryStatus: 'end_of_service' }),
        r('10:50'),
      ],
      kept: ['p1 2026-04-01T10:05', 'p1 2026-04-01T10:30', 'p1 2026-04-01T10:50'],
    },
    {
      // 10:00 first reported dose (a change from unknown); 10:10 same; 10:20 not reported; 10:30 120 differs from 100; 10:50 last of hour.
      name: 'keeps the first reading after each dose change, ignoring readings that do not report the dose',
      readings: [
        r('10:00', { programDoseMcgPerDay: 100 }),
        r('10:10', { programDoseMcgPerDay: 100 }),
        r('10:20'),
        r('10:30', { programDoseMcgPerDay: 120 }),
        r('10:40', { programDoseMcgPerDay: 120 }),
        r('10:50'),
      ],
      kept: ['p1 2026-04-01T10:00', 'p1 2026-04-01T10:30', 'p1 2026-04-01T10:50'],
    },
    {
      // 500 keyed then 2000: the classic refill error stays visible; 11:15 back to 500 is a change again.
      name: 'keeps the first reading after each concentration change',
      readings: [
        r('10:00', { programConcentrationMcgPerMl: 500 }),
        r('10:15', { programConcentrationMcgPerMl: 500 }),
        r('10:30', { programConcentrationMcgPerMl: 2000 }),
        r('10:45', { programConcentrationMcgPerMl: 2000 }),
        r('11:15', { programConcentrationMcgPerMl: 500 }),
        r('11:30', { programConcentrationMcgPerMl: 500 }),
      ],
      kept: ['p1 2026-04-01T10:00', 'p1 2026-04-01T10:30', 'p1 2026-04-01T10:45', 'p1 2026-04-01T11:15', 'p1 2026-04-01T11:30'],
    },
    {
      // Hour 12:00-13:00 on 2026-05-02 is split by the cutoff 12:30: 12:20 is its last old reading; 12:30 (at the cutoff) and later are recent.
      name: 'keeps every reading from the cutoff on, and the last old reading of the hour the cutoff splits',
      readings: [
        r('2026-05-02T12:05:00.000Z'),
        r('2026-05-02T12:20:00.000Z'),
        r('2026-05-02T12:30:00.000Z'),
        r('2026-05-02T12:35:00.000Z'),
        r('2026-05-31T08:01:00.000Z'),
        r('2026-05-31T08:02:00.000Z'),
      ],
      kept: ['p1 2026-05-02T12:20', 'p1 2026-05-02T12:30', 'p1 2026-05-02T12:35', 'p1 2026-05-31T08:01', 'p1 2026-05-31T08:02'],
    },
    {
      name: 'decides per pump, whatever the input order',
      readings: [r('10:50'), r('10:40', { pumpId: 'p2' }), r('10:05'), r('10:10', { pumpId: 'p2' })],
      kept: ['p1 2026-04-01T10:50', 'p2 2026-04-01T10:40'],
    },
  ])('$name', ({ readings, kept }) => {
    expect(readingsKeptByRetention(readings, NOW, 30).map(label)).toEqual(kept);
  });

  it('keeps every reading when the clinic has no retention setting', () => {
    const readings = [r('10:05'), r('10:20'), r('10:50')];
    expect(readingsKeptByRetention(readings, NOW, null)).toEqual(readings);
  });
});
