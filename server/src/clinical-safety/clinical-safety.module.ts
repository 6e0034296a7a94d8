// Clinical-safety feature: lab results and kidney alerts, side effects and neurotoxicity, check-ups and reviews, taper plans, the
// dose-change guard used by programs and fills, and the patient step of the alert sweep.
import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { CheckUpsService } from './check-ups.service';
import { ClinicalAlertRulesService } from './clinical-alert-rules.service';
import { ClinicalSafetySettingsController } from './clinical-safety-settings.controller';
import { ClinicalSafetySettingsService } from './clinical-safety-settings.service';
import { ClinicalSafetyController } from './clinical-safety.controller';
import { ClinicalSafetyRepository } from './clinical-safety.repository';
import { ClinicalSummaryService } from './clinical-summary.service';
import { DoseGuardService } from './dose-guard.service';
import { LabResultsService } from './lab-results.service';
import { PatientRecordWriter } from './patient-record-writer';
import { PatientAlertSweep } from './patient-alert-sweep';
import { PatientAlertsService } from './patient-alerts.service';
import { SideEffectsService } from './side-effects.service';
import { TaperPlansService } from './taper-plans.service';

@Module({
  imports: [AlertsModule],
  controllers: [ClinicalSafetyController, ClinicalSafetySettingsController],
  providers: [
    ClinicalSafetyRepository,
    PatientRecordWriter,
    PatientAlertsService,
    ClinicalAlertRulesService,
    DoseGuardService,
    LabResultsService,
    SideEffectsService,
    CheckUpsService,
    TaperPlansService,
    ClinicalSummaryService,
    ClinicalSafetySettingsService,
    PatientAlertSweep,
  ],
  exports: [DoseGuardService],
})
export class ClinicalSafetyModule {}
