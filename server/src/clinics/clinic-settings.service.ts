// Use cases of a clinic's settings: everyone of the clinic reads them, its administrators change them (audited), and every pump
// of the clinic is re-judged by the alert rules after a change.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  CLINIC_SETTING_LIMITS,
  ClinicSettingName,
  ClinicSettings,
  defaultLocaleOf,
  DomainError,
  ValidClinicSettingsPatch,
} from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, changedFields } from '../audit/audit.service';
import { Actor, assertMayUseIn, assertSees } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';

/** Each setting's column on `clinics` (defaults there, sources beside the rules that read them). */
const COLUMNS: Record<ClinicSettingName, string> = {
  alertWarningHorizonDays: 'alert_warning_horizon_days',
  bookingMarginDays: 'booking_margin_days',
  refillDurationMinutes: 'refill_duration_minutes',
  appointmentBufferMinutes: 'appointment_buffer_minutes',
  telemetryStaleAfterHours: 'telemetry_stale_after_hours',
  replacementMarginDays: 'replacement_margin_days',
  programMismatchTolerancePercent: 'program_mismatch_tolerance_percent',
  programMismatchToleranceMcgPerDay: 'program_mismatch_tolerance_mcg_per_day',
  telemetryRetentionDays: 'telemetry_retention_days',
  reservoirDiscrepancyToleranceMl: 'reservoir_discrepancy_tolerance_ml',
  reservoirDiscrepancyTolerancePercent: 'reservoir_discrepancy_tolerance_percent',
  alertSoundRepeatSeconds: 'alert_sound_repeat_seconds',
};
const NAMES = Object.keys(CLINIC_SETTING_LIMITS) as ClinicSettingName[];
const NOT_KNOWN = 'is not a known clinic';

@Injectable()
export class ClinicSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Actor, clinicId: string): Promise<ClinicSettings> {
    const settings = await this.read(this.dataSource.manager, clinicId, false);
    assertSees(actor, clinicId, 'id', NOT_KNOWN);
    return settings;
  }

  async update(actor: Actor, clinicId: string, patch: ValidClinicSettingsPatch): Promise<ClinicSettings> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.read(manager, clinicId, true);
      assertMayUseIn(actor, 'administer', clinicId, 'id', NOT_KNOWN);
      const names = NAMES.filter((name) => patch[name] !== undefined);
      const assignments: [string, unknown][] = names.map((name) => [COLUMNS[name], patch[name]]);
      // The chosen locale (null: back to the time zone's).
      if (patch.locale !== undefined) assignments.push(['locale', patch.locale]);
      await manager.query(`UPDATE clinics SET ${assignments.map(([column], i) => `${column} = $${i + 2}`).join(', ')} WHERE id = $1`, [
        clinicId,
        ...assignments.map(([, value]) => value),
      ]);
      const after = await this.read(manager, clinicId, false);
      // The alert engine re-judges every pump of the clinic (a new horizon or margin moves alert bands).
      await this.events.record(manager, {
        type: 'clinic.settings_changed',
        clinicId,
        pumpId: null,
        payload: { changed: patch.locale !== undefined ? [...names, 'locale'] : names },
      });
      await this.audit.record(manager, actor, {
        action: 'clinic.settings_changed',
        entityType: 'clinic',
        entityId: clinicId,
        clinicId,
        changes: changedFields(before, after),
      });
      return after;
    });
  }

  private async read(manager: EntityManager, clinicId: string, lock: boolean): Promise<ClinicSettings> {
    // NO KEY UPDATE: rows referencing the clinic (their foreign key takes KEY SHARE) are not blocked, so a writer holding the
    // event counter cannot deadlock with this lock (issue 14's fuzz test found one).
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT id, time_zone, locale, ${NAMES.map((name) => COLUMNS[name]).join(', ')} FROM clinics WHERE id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`,
      [clinicId],
    );
    if (rows.length === 0) throw DomainError.notFound('id', NOT_KNOWN);
    const timeZone = rows[0].time_zone as string;
    const defaultLocale = defaultLocaleOf(timeZone);
    const settings = { clinicId, timeZone, locale: (rows[0].locale as string | null) ?? defaultLocale, defaultLocale } as ClinicSettings;
    for (const name of NAMES) {
      const value = rows[0][COLUMNS[name]];
      (settings as Record<ClinicSettingName, number | null>)[name] = value === null ? null : Number(value);
    }
    return settings;
  }
}
