import { alertCause, groupAlertIncidents } from './alert-incidents';
import type { AlertKind, AlertSeverity } from './alert-contracts';

const alert = (id: string, kind: AlertKind, severity: AlertSeverity, pumpId: string | null, patientId = 'patient-1') => ({
  id,
  kind,
  severity,
  status: 'open' as const,
  pumpId,
  patientId,
  withdrawalRisk: kind === 'reservoir_near_empty' || kind === 'delivery_interrupted',
});

describe('alert incidents: one card per pump per cause', () => {
  it.each([
    ['reservoir_near_empty', 'reservoir'],
    ['refill_due', 'reservoir'],
    ['appointment_too_late', 'reservoir'],
    ['no_forecast', 'reservoir'],
    ['delivery_interrupted', 'delivery_interrupted'],
    ['reservoir_discrepancy', 'reservoir_discrepancy'],
    ['labs_due', 'labs_due'],
  ] as const)('%s belongs to cause %s', (kind, cause) => {
    expect(alertCause(kind)).toBe(cause);
  });

  it('puts "near empty" and "refill overdue" of one pump on one incident led by the withdrawal-risk one; other pumps and causes apart', () => {
    const listed = [
      // Listed first (raised last), but at equal severity the withdrawal-risk alert leads the card.
      alert('c', 'refill_due', 'critical', 'pump-1'),
      alert('b', 'delivery_interrupted', 'critical', 'pump-2'),
      alert('a', 'reservoir_near_empty', 'critical', 'pump-1'),
      alert('d', 'refill_due', 'critical', 'pump-2'),
      alert('e', 'telemetry_stale', 'urgent', 'pump-1'),
      alert('f', 'labs_due', 'warning', null),
    ];
    const incidents = groupAlertIncidents(listed);
    expect(incidents.map((i) => [i.key, i.lead.id, i.alerts.map((a) => a.id)])).toEqual([
      ['pump-1:reservoir', 'a', ['c', 'a']],
      ['pump-2:delivery_interrupted', 'b', ['b']],
      ['pump-2:reservoir', 'd', ['d']],
      ['pump-1:telemetry_stale', 'e', ['e']],
      ['patient-1:labs_due', 'f', ['f']],
    ]);
  });

  it('lets a more severe alert lead, whatever its place in the list', () => {
    const [incident] = groupAlertIncidents([alert('n', 'no_forecast', 'urgent', 'pump-1'), alert('r', 'refill_due', 'critical', 'pump-1')]);
    expect(incident.lead.id).toBe('r');
  });
});
