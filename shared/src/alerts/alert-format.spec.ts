// clinicTime names instants on the clinic's wall clock: checked against luxon across both DST changes and in a half-hour zone.
import { DateTime } from 'luxon';
import { clinicTime, ml } from './alert-format';

describe('clinicTime', () => {
  it('matches luxon around the spring and autumn changes in Paris and New York, and in Kathmandu (+05:45)', () => {
    const instants = [
      '2026-03-29T00:59:59Z', '2026-03-29T01:00:00Z', '2026-10-25T00:59:00Z', '2026-10-25T01:00:00Z',
      '2026-03-08T06:59:00Z', '2026-03-08T07:00:00Z', '2026-11-01T05:59:00Z', '2026-11-01T06:00:00Z', '1969-12-31T23:59:30Z',
    ];
    for (const zone of ['Europe/Paris', 'America/New_York', 'Asia/Kathmandu', 'UTC']) {
      for (const instant of instants) {
        expect(clinicTime(instant, zone)).toBe(`${DateTime.fromISO(instant, { zone }).toFormat('yyyy-MM-dd HH:mm')} ${zone}`);
      }
    }
    expect(clinicTime('2026-07-30T09:00:00Z', 'Europe/Paris')).toBe('2026-07-30 11:00 Europe/Paris');
    expect(clinicTime('2026-10-25T01:30:00Z', 'Europe/Paris')).toBe('2026-10-25 02:30 Europe/Paris');
  });

  it('rounds volumes to 0.1 mL', () => {
    expect(ml(12.345)).toBe('12.3 mL');
  });
});
