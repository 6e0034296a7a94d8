import {
  opsgenieCreate,
  OutboundPage,
  outboundEmail,
  outboundSummary,
  pagerDutyFollowUp,
  pagerDutyTrigger,
  serialLastFour,
} from './outbound-page';

const PAGE: OutboundPage = {
  alertId: '5d1e2f00-0000-4000-8000-000000000001',
  kind: 'reservoir_near_empty',
  severity: 'urgent',
  clinicName: 'Bern Pump Clinic',
  serialLastFour: '0417',
  acknowledgeUrl: 'https://pumps.example.org/api/alerts/acknowledge-link?token=abc',
  acknowledgeExpiresAt: '2026-09-02T09:00:00.000Z',
};

describe('outbound pages', () => {
  it.each([
    ['SM2-NOTIFY-90417', '0417'],
    ['ABC', 'ABC'], // shorter than four: all of it
    ['12345', '2345'],
  ])('keeps the last four characters of serial %s: %s', (serial, expected) => {
    expect(serialLastFour(serial)).toBe(expected);
  });

  it('summarises kind, severity, clinic and serial in one line, cut to the limit with an ellipsis', () => {
    expect(outboundSummary(PAGE, 1024)).toBe('URGENT reservoir near empty · Bern Pump Clinic · pump …0417');
    expect(outboundSummary({ ...PAGE, serialLastFour: null }, 1024)).toBe('URGENT reservoir near empty · Bern Pump Clinic · no pump');
    const long = outboundSummary({ ...PAGE, clinicName: 'C'.repeat(300) }, 130);
    expect(long).toHaveLength(130);
    expect(long.endsWith('…')).toBe(true);
  });

  it.each([
    ['critical', 'critical', 'P1'],
    ['urgent', 'error', 'P2'],
    ['warning', 'warning', 'P3'],
  ] as const)('maps severity %s to PagerDuty %s and Opsgenie %s', (severity, pagerDuty, opsgenie) => {
    expect(pagerDutyTrigger('k'.repeat(32), { ...PAGE, severity }).payload?.severity).toBe(pagerDuty);
    expect(opsgenieCreate({ ...PAGE, severity }).priority).toBe(opsgenie);
  });

  it('uses one key per alert for the trigger, its follow-ups and the Opsgenie alias', () => {
    const key = 'pumpwatch-alert-5d1e2f00-0000-4000-8000-000000000001';
    expect(pagerDutyTrigger('k'.repeat(32), PAGE).dedup_key).toBe(key);
    expect(pagerDutyFollowUp('k'.repeat(32), PAGE.alertId, 'resolve')).toEqual({
      routing_key: 'k'.repeat(32),
      event_action: 'resolve',
      dedup_key: key,
    });
    expect(opsgenieCreate(PAGE).alias).toBe(key);
  });

  it('writes the e-mail with every fact and the link', () => {
    const mail = outboundEmail(PAGE);
    expect(mail.subject).toBe('[PumpWatch] URGENT reservoir near empty · Bern Pump Clinic · pump …0417');
    for (const line of [
      'Alert kind: reservoir_near_empty',
      'Severity: urgent',
      'Clinic: Bern Pump Clinic',
      'Pump serial (last four): 0417',
      PAGE.acknowledgeUrl,
    ]) {
      expect(mail.text).toContain(line);
    }
  });
});
