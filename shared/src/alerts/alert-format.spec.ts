// clinicTime names instants on the clinic's wall clock with the zone's abbreviation: checked against luxon across both DST changes and in a
// 45-minute zone.
import { DateTime } from 'luxon';
import { clinicTime, ml } from './alert-format';

describe('clinicTime', () => {
  it('matches luxon around the spring and autumn changes in Paris and New York, and in Kathmandu (+05:45)', () => {
    const instants = [
      '2026-03-29T00:59:59Z',
      '2026-03-29T01:00:00Z',
      '2026-10-25T00:59:00Z',
      '2026-10-25T01:00:00Z',
      '2026-03-08T06:59:00Z',
      '2026-03-08T07:00:00Z',
      '2026-11-01T05:59:00Z',
      '2026-11-01T06:00:00Z',
      '1969-12-31T23:59:30Z',
    ];
    for (const zone of ['Europe/Paris', 'America/New_York', 'Asia/Kathmandu', 'UTC']) {
      for (const instant of instants) {
        expect(clinicTime(instant, zone)).toBe(DateTime.fromISO(instant, { zone }).setLocale('en-GB').toFormat('yyyy-MM-dd HH:mm ZZZZ'));
      }
    }
    expect(clinicTime('2026-07-30T09:00:00Z', 'Europe/Paris')).toBe('2026-07-30 11:00 CEST');
    // The autumn hour that happens twice reads differently each time.
    expect(clinicTime('2026-10-25T00:30:00Z', 'Europe/Paris')).toBe('2026-10-25 02:30 CEST');
    expect(clinicTime('2026-10-25T01:30:00Z', 'Europe/Paris')).toBe('2026-10-25 02:30 CET');
    expect(clinicTime('2026-07-30T09:00:00Z', 'America/New_York')).toBe('2026-07-30 05:00 GMT-4');
  });

  it('rounds volumes to 0.1 mL', () => {
    expect(ml(12.345)).toBe('12.3 mL');
  });
});
