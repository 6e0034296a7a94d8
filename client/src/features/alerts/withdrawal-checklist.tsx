// What a withdrawal-risk alert asks the clinician to check: the early signs of baclofen withdrawal and the patient's recorded risk factors.
import type { WithdrawalChecklist } from '@pumpwatch/shared';

const PRESENT_TEXT = (present: boolean | null): string => (present === null ? 'not recorded' : present ? 'yes' : 'no');

export function WithdrawalChecklistView({ checklist, alertId }: { checklist: WithdrawalChecklist; alertId: string }) {
  const signsId = `withdrawal-signs-${alertId}`;
  const factorsId = `withdrawal-factors-${alertId}`;
  const present = checklist.riskFactors.filter((f) => f.present === true);
  return (
    <div className="withdrawal" data-testid="withdrawal-checklist">
      <div>
        <h4 id={signsId}>Early withdrawal signs to check</h4>
        <ul className="withdrawal__signs" aria-labelledby={signsId}>
          {checklist.earlySigns.map((sign) => (
            <li key={sign} data-testid="withdrawal-sign">
              <span aria-hidden="true">☐ </span>
              {sign}
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h4 id={factorsId}>Risk factors for severe withdrawal{present.length > 0 ? ` (${present.length} present)` : ''}</h4>
        <ul className="withdrawal__factors" aria-labelledby={factorsId}>
          {checklist.riskFactors.map((f) => (
            <li
              key={f.factor}
              data-testid="withdrawal-risk-factor"
              data-present={String(f.present)}
              className={f.present ? 'withdrawal__factor--present' : undefined}
            >
              <span aria-hidden="true">{f.present ? '⚠ ' : f.present === null ? '? ' : '– '}</span>
              {f.label}: <strong>{PRESENT_TEXT(f.present)}</strong>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
