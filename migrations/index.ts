// Every migration in order, listed explicitly so the same array works under ts-jest and in the compiled server.
import { CreateRefillSchema1795644000000 } from './1795644000000-CreateRefillSchema';
import { CreateAccessAndAudit1795730400000 } from './1795730400000-CreateAccessAndAudit';
import { CreateTelemetry1795816800000 } from './1795816800000-CreateTelemetry';
import { CreateAlerts1795903200000 } from './1795903200000-CreateAlerts';
import { CreateOnCallRoster1795989600000 } from './1795989600000-CreateOnCallRoster';
import { CreateEscalation1796076000000 } from './1796076000000-CreateEscalation';
import { CreateScheduling1796162400000 } from './1796162400000-CreateScheduling';
import { CreateClinicalSafety1796248800000 } from './1796248800000-CreateClinicalSafety';
import { VersionReservoirReconciliations1796335200000 } from './1796335200000-VersionReservoirReconciliations';
import { CreateLoginThrottle1796421600000 } from './1796421600000-CreateLoginThrottle';
import { AddOnDutySettings1796508000000 } from './1796508000000-AddOnDutySettings';
import { AddAlertLastRaisedAt1796594400000 } from './1796594400000-AddAlertLastRaisedAt';
import { AddTaperStepLimits1796695200000 } from './1796695200000-AddTaperStepLimits';
import { CreateDrugLibrary1796681000000 } from './1796681000000-CreateDrugLibrary';
import { CreateFleetRows1796781600000 } from './1796781600000-CreateFleetRows';
import { AddUserDeactivation1796870000000 } from './1796870000000-AddUserDeactivation';
import { CreateClinicClosures1796950000000 } from './1796950000000-CreateClinicClosures';
import { CreateNotificationChannels1796960000000 } from './1796960000000-CreateNotificationChannels';
import { CreateImportBatches1796970000000 } from './1796970000000-CreateImportBatches';
import { AddClinicLocale1796980000000 } from './1796980000000-AddClinicLocale';
import { NameWhoBookedAndRecorded1796990000000 } from './1796990000000-NameWhoBookedAndRecorded';
import { AddFleetRowObservationColumns1797000000000 } from './1797000000000-AddFleetRowObservationColumns';
import { IndexFleetRowFreshness1797010000000 } from './1797010000000-IndexFleetRowFreshness';

export const migrations = [
  CreateRefillSchema1795644000000,
  CreateAccessAndAudit1795730400000,
  CreateTelemetry1795816800000,
  CreateAlerts1795903200000,
  CreateOnCallRoster1795989600000,
  CreateEscalation1796076000000,
  CreateScheduling1796162400000,
  CreateClinicalSafety1796248800000,
  VersionReservoirReconciliations1796335200000,
  CreateLoginThrottle1796421600000,
  AddOnDutySettings1796508000000,
  AddAlertLastRaisedAt1796594400000,
  CreateDrugLibrary1796681000000,
  AddTaperStepLimits1796695200000,
  CreateFleetRows1796781600000,
  AddUserDeactivation1796870000000,
  CreateClinicClosures1796950000000,
  CreateNotificationChannels1796960000000,
  CreateImportBatches1796970000000,
  AddClinicLocale1796980000000,
  NameWhoBookedAndRecorded1796990000000,
  AddFleetRowObservationColumns1797000000000,
  IndexFleetRowFreshness1797010000000,
];
