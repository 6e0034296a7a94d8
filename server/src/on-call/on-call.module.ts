// On-call feature: shifts, each clinic's escalation policy, and the roster service the paging engine imports.
import { Module } from '@nestjs/common';
import { ClinicOnCallController } from './clinic-on-call.controller';
import { EscalationPolicyService } from './escalation-policy.service';
import { OnCallRosterService } from './on-call-roster.service';
import { OnCallShiftsController } from './on-call-shifts.controller';
import { OnCallShiftsService } from './on-call-shifts.service';

@Module({
  controllers: [OnCallShiftsController, ClinicOnCallController],
  providers: [OnCallShiftsService, EscalationPolicyService, OnCallRosterService],
  exports: [OnCallRosterService, EscalationPolicyService],
})
export class OnCallModule {}
