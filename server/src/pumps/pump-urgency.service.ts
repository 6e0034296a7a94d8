// The problems of pumps the server finds beside the forecast (telemetry, open alerts), as urgency reasons: what the fleet and the
// refill planner both judge a pump's urgency with (assessFleetUrgency), so "delivery interrupted" means the same on both screens.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ALERT_KIND_INFO,
  ALERT_KINDS,
  AlertKind,
  AlertSeverity,
  PUMP_ALARM_CATALOG,
  PumpTelemetryStatus,
  UrgencyReason,
  UrgencyReasonKind,
} from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';

/** What the server found about one pump. */
export interface PumpProblems {
  /** Most severe first; the deadline and no-forecast reasons are added by assessFleetUrgency. */
  reasons: UrgencyReason[];
  /** The most severe open or acknowledged alert behind a reason (withdrawal risk first), for a link to it; null without one. */
  alertId: string | null;
}

/**
 * Alert kinds whose open alert is a reason: the withdrawal-risk kinds (they put the pump above every deadline) and the reservoir
 * discrepancy (urgent). Not `reservoir_near_empty`: its condition is the refill deadline itself, which already ranks the pump
 * (overdue, critical); counting it as interrupted delivery would lift every overdue pump to the level of a stalled one.
 */
const WITHDRAWAL_RISK_KINDS: readonly AlertKind[] = ALERT_KINDS.filter(
  (kind) => ALERT_KIND_INFO[kind].withdrawalRisk && kind !== 'reservoir_near_empty',
);
const REASON_ALERT_KINDS: readonly AlertKind[] = [...WITHDRAWAL_RISK_KINDS, 'reservoir_discrepancy'];

const SEVERITY_ORDER: Record<AlertSeverity, number> = { critical: 0, urgent: 1, warning: 2 };

interface OpenAlertRow {
  id: string;
  pump_id: string | null;
  patient_id: string;
  subject_type: 'pump' | 'patient';
  kind: AlertKind;
  severity: AlertSeverity;
  title: string;
}

/** The reasons telemetry gives now: an interrupting alarm (named), an end-of-service battery, a concentration mismatch. */
export function telemetryReasons(status: PumpTelemetryStatus | null | undefined): UrgencyReason[] {
  if (!status) return [];
  const reasons: UrgencyReason[] = [];
  if (status.deliveryInterrupted) {
    const labels = status.activeAlarms
      .filter((code) => PUMP_ALARM_CATALOG[code].interruptsDelivery)
      .map((code) => PUMP_ALARM_CATALOG[code].label.toLowerCase());
    reasons.push({
      kind: 'delivery_interrupted',
      severity: 'critical',
      text: `Delivery interrupted: the pump reports ${labels.join(', ')}`,
    });
  }
  if (status.batteryStatus === 'end_of_service') {
    reasons.push({ kind: 'battery_end_of_service', severity: 'critical', text: 'Battery at end of service: the pump has stopped' });
  }
  if (status.concentrationMismatch) {
    const m = status.concentrationMismatch;
    reasons.push({
      kind: 'concentration_mismatch',
      severity: 'critical',
      text: `Concentration mismatch: the pump is programmed for ${m.keyedConcentrationMcgPerMl} mcg/mL, filled with ${m.fillConcentrationMcgPerMl} mcg/mL`,
    });
  }
  return reasons;
}

/** The telemetry reason an alert of this kind repeats (its open alert then adds only its id, not a second line). */
const SAME_AS_TELEMETRY: Partial<Record<AlertKind, UrgencyReasonKind>> = {
  delivery_interrupted: 'delivery_interrupted',
  concentration_mismatch: 'concentration_mismatch',
};

@Injectable()
export class PumpUrgencyService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Per pump: telemetry's reasons, then every open or acknowledged withdrawal-risk alert of the pump or of its patient (still
   * waiting for a clinician, even when telemetry has cleared) and an open reservoir discrepancy. One query for all pumps.
   */
  async problemsOf(
    pumps: readonly { id: string; patientId: string }[],
    telemetry: ReadonlyMap<string, PumpTelemetryStatus>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, PumpProblems>> {
    const problems = new Map<string, PumpProblems>();
    if (pumps.length === 0) return problems;
    const rows: OpenAlertRow[] = await manager.query(
      `SELECT id, pump_id, patient_id, subject_type, kind, severity, title FROM alerts
       WHERE status <> 'resolved' AND kind = ANY($3::text[])
         AND ((subject_type = 'pump' AND pump_id = ANY($1::uuid[])) OR (subject_type = 'patient' AND patient_id = ANY($2::uuid[])))
       ORDER BY first_raised_at, id`,
      [pumps.map((p) => p.id), [...new Set(pumps.map((p) => p.patientId))], REASON_ALERT_KINDS],
    );
    const byPump = new Map<string, OpenAlertRow[]>();
    const byPatient = new Map<string, OpenAlertRow[]>();
    for (const row of rows) {
      const [map, key] = row.subject_type === 'pump' ? [byPump, row.pump_id as string] : [byPatient, row.patient_id];
      map.set(key, [...(map.get(key) ?? []), row]);
    }
    for (const pump of pumps) {
      const reasons = telemetryReasons(telemetry.get(pump.id));
      const alerts = [...(byPump.get(pump.id) ?? []), ...(byPatient.get(pump.patientId) ?? [])];
      for (const alert of alerts) {
        const repeated = SAME_AS_TELEMETRY[alert.kind];
        const same = repeated ? reasons.find((r) => r.kind === repeated && r.alertId === undefined) : undefined;
        if (same) {
          same.alertId = alert.id;
          continue;
        }
        const withdrawalRisk = ALERT_KIND_INFO[alert.kind].withdrawalRisk;
        reasons.push({
          kind: withdrawalRisk ? 'withdrawal_risk_alert' : 'reservoir_discrepancy',
          severity: withdrawalRisk ? 'critical' : alert.severity,
          text: alert.title,
          alertId: alert.id,
        });
      }
      reasons.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
      const linked = [...alerts].sort(
        (a, b) =>
          Number(ALERT_KIND_INFO[b.kind].withdrawalRisk) - Number(ALERT_KIND_INFO[a.kind].withdrawalRisk) ||
          SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
      )[0];
      problems.set(pump.id, { reasons, alertId: linked?.id ?? null });
    }
    return problems;
  }
}
