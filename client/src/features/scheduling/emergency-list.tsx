// Pumps whose delivery is interrupted (urgency 'delivery_interrupted'): never a routine slot, an emergency to act on now, with its
// reasons and a link to the pump and its alert. Red, but also an icon and words: colour alone says nothing to some readers.
import { Link } from 'react-router-dom';
import type { RefillPlanEmergency } from '@pumpwatch/shared';

interface EmergencyListProps {
  emergencies: RefillPlanEmergency[];
  /** Where the list stands: above "Needs booking" (from the fleet) or in the plan's answer. */
  testId: string;
  heading: string;
}

export function EmergencyList({ emergencies, testId, heading }: EmergencyListProps) {
  if (emergencies.length === 0) return null;
  return (
    <section className="emergencies" aria-label={heading} data-testid={testId}>
      <h3 className="emergencies__title">
        <span aria-hidden="true">⚠ </span>
        {heading} ({emergencies.length})
      </h3>
      <p className="emergencies__hint">
        Not a routine refill: delivery has stopped or may have (withdrawal risk within hours). Contact the patient and act on the alert now;
        no slot is offered here.
      </p>
      <ul className="emergencies__list">
        {emergencies.map((e) => (
          <li key={e.pumpId} className="emergency" data-testid="emergency-row" data-pump-id={e.pumpId}>
            <div className="emergency__who">
              <span className="emergency__badge">
                <span aria-hidden="true">⚠ </span>EMERGENCY
              </span>
              <Link to={`/pumps/${e.pumpId}`} className="emergency__patient" data-testid="emergency-pump-link">
                {e.patient.displayName}
              </Link>
              <span className="emergency__mrn">MRN {e.patient.mrn}</span>
            </div>
            <ul className="emergency__reasons">
              {e.reasons.map((r, i) => (
                <li key={`${r.kind}-${i}`} data-testid="emergency-reason" data-kind={r.kind}>
                  {r.text}
                </li>
              ))}
            </ul>
            <div className="emergency__links">
              <Link to={`/pumps/${e.pumpId}`}>Open the pump page</Link>
              {e.alertId && (
                <Link to={`/alerts#alert-${e.alertId}`} data-testid="emergency-alert-link" data-alert-id={e.alertId}>
                  Open the alert
                </Link>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
