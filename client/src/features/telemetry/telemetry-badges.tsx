// Telemetry status badges (stale, alarm, mismatches, ERI / replacement, MRI check, reconciliation) for a fleet row and the pump page.
import { PUMP_ALARM_CATALOG, type PumpTelemetryStatus } from '@pumpwatch/shared';

type BadgeTone = 'critical' | 'urgent' | 'warning';

export interface TelemetryBadge {
  key: 'stale' | 'alarm' | 'program_mismatch' | 'concentration_mismatch' | 'replacement' | 'mri' | 'reconciliation';
  tone: BadgeTone;
  icon: string;
  text: string;
  /** The fact behind the badge, in words (tooltip and screen readers). */
  detail: string;
}

/** The badges a pump's telemetry status calls for now, most serious first; none when all is well. Tones follow the alert rules. */
export function telemetryBadges(t: PumpTelemetryStatus | null, nowMs: number): TelemetryBadge[] {
  if (!t) return [];
  const badges: TelemetryBadge[] = [];
  if (t.activeAlarms.length > 0) {
    const labels = t.activeAlarms.map((code) => PUMP_ALARM_CATALOG[code]?.label ?? code).join(', ');
    badges.push(
      t.deliveryInterrupted
        ? {
            key: 'alarm',
            tone: 'critical',
            icon: '✖',
            text: 'ALARM: DELIVERY STOPPED',
            detail: `Active pump alarm: ${labels}. Delivery is interrupted.`,
          }
        : { key: 'alarm', tone: 'urgent', icon: '!', text: 'ALARM', detail: `Active pump alarm: ${labels}.` },
    );
  }
  if (t.concentrationMismatch) {
    const m = t.concentrationMismatch;
    badges.push({
      key: 'concentration_mismatch',
      tone: 'critical',
      icon: '≠',
      text: 'CONCENTRATION MISMATCH',
      detail: `Keyed ${m.keyedConcentrationMcgPerMl} mcg/mL, filled ${m.fillConcentrationMcgPerMl} mcg/mL: withdrawal or overdose risk.`,
    });
  }
  if (t.programMismatch) {
    const m = t.programMismatch;
    badges.push({
      key: 'program_mismatch',
      tone: 'urgent',
      icon: '≠',
      text: 'PROGRAM MISMATCH',
      detail: `Pump reports ${m.reportedDoseMcgPerDay} mcg/day; the program on record is ${m.programDoseMcgPerDay} mcg/day.`,
    });
  }
  if (t.batteryStatus === 'end_of_service') {
    badges.push({
      key: 'replacement',
      tone: 'critical',
      icon: '✖',
      text: 'END OF SERVICE',
      detail: 'The pump battery reported end of service: the pump has stopped.',
    });
  } else if (t.batteryStatus === 'eri' || t.eriAt) {
    badges.push({
      key: 'replacement',
      tone: 'urgent',
      icon: '▼',
      text: 'ERI',
      detail: 'Elective replacement indicator: the pump stops about 90 days after it; book the replacement.',
    });
  } else if (t.replacementWarningAt && Date.parse(t.replacementWarningAt) <= nowMs) {
    badges.push({
      key: 'replacement',
      tone: 'warning',
      icon: '▼',
      text: t.replacementEstimated ? 'REPLACEMENT DUE (EST.)' : 'REPLACEMENT DUE',
      detail: t.replacementEstimated
        ? 'Battery end estimated from the implant date and the model’s typical life (unverified): plan the replacement.'
        : 'The pump battery nears its end: plan the replacement.',
    });
  }
  if (t.mriCheckPending) {
    badges.push({
      key: 'mri',
      tone: 'urgent',
      icon: '⊘',
      text: 'CHECK AFTER MRI',
      detail: 'An MRI was recorded and the post-MRI pump check is not cleared yet.',
    });
  }
  if (t.reconciliationDiscrepancy) {
    const d = t.reconciliationDiscrepancy;
    badges.push({
      key: 'reconciliation',
      tone: 'urgent',
      icon: '⇅',
      text: t.reconciliationDrift ? 'RECONCILIATION DRIFT' : 'RECONCILIATION',
      detail: `At the latest refill ${d.aspiratedResidualMl} mL were aspirated against ${d.expectedResidualMl} mL expected (${d.direction === 'over_infusion' ? 'over-infusion' : 'under-delivery'} suspected).`,
    });
  }
  if (t.stale) {
    badges.push({
      key: 'stale',
      tone: 'warning',
      icon: '⏱',
      text: 'STALE',
      detail: `No telemetry for more than ${t.staleAfterHours} h from a pump that reports regularly.`,
    });
  }
  return badges;
}

export function TelemetryBadges({
  telemetry,
  nowMs,
  testId = 'telemetry-badges',
}: {
  telemetry: PumpTelemetryStatus | null;
  nowMs: number;
  testId?: string;
}) {
  const badges = telemetryBadges(telemetry, nowMs);
  if (badges.length === 0) return null;
  return (
    <ul className="telemetry-badges" aria-label="Telemetry status" data-testid={testId}>
      {badges.map((b) => (
        <li key={b.key} className={`badge badge--alert-${b.tone}`} title={b.detail} data-testid="telemetry-badge" data-badge={b.key}>
          <span aria-hidden="true">{b.icon}</span> {b.text}
          <span className="visually-hidden">: {b.detail}</span>
        </li>
      ))}
    </ul>
  );
}
