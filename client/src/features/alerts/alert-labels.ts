// Alert kinds, severities and states in the clinic's words, each severity with an icon and text so colour never carries it alone.
import type { AlertKind, AlertSeverity, AlertStatus } from '@pumpwatch/shared';

export const ALERT_KIND_TEXT: Record<AlertKind, string> = {
  refill_due: 'Refill due',
  reservoir_near_empty: 'Reservoir near empty',
  delivery_interrupted: 'Delivery interrupted (pump alarm)',
  concentration_mismatch: 'Concentration mismatch',
  telemetry_stale: 'No telemetry from the pump',
  program_mismatch: 'Program differs from the record',
  reconciliation_discrepancy: 'Reservoir reconciliation discrepancy',
  replacement_due: 'Pump replacement due',
  mri_check_pending: 'Check the pump after MRI',
  // Scheduling (issue 6); added here so the dashboard compiles with every kind of shared/src/alerts/alert-contracts.ts.
  appointment_too_late: 'Booked refill starts too late',
  no_forecast: 'No forecast (fill or program missing)',
  reservoir_discrepancy: 'Pump reservoir differs from the forecast',
  outside_drug_library: 'Pump outside the drug library',
  renal_dose_review: 'Renal: dose review',
  renal_function_fall: 'Renal: function falling',
  labs_due: 'Labs due (serum creatinine)',
  mental_status_change: 'Mental status change',
  clinical_review_overdue: 'Clinical review overdue',
  tolerance_suspected: 'Possible tolerance',
  escalation_above_range: 'Dose increase above range',
  abrupt_dose_reduction: 'Abrupt dose reduction',
  overdose_watch: 'Overdose watch after re-introduction',
};

export const ALERT_SEVERITY_LABEL: Record<AlertSeverity, { icon: string; text: string }> = {
  critical: { icon: '⚠', text: 'CRITICAL' },
  urgent: { icon: '▲', text: 'URGENT' },
  warning: { icon: '◆', text: 'WARNING' },
};

export const ALERT_STATUS_TEXT: Record<AlertStatus, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

/** "3 d 4 h", "2 h 05 min", "4 min", "just now": how long an alert has waited. */
export function formatAge(fromIso: string, nowMs: number): string {
  const minutes = Math.max(0, Math.floor((nowMs - Date.parse(fromIso)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
