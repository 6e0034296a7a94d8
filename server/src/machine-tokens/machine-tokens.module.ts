// Telemetry gateway credentials.
import { Module } from '@nestjs/common';
import { MachineTokensController } from './machine-tokens.controller';
import { MachineTokensService } from './machine-tokens.service';

@Module({
  controllers: [MachineTokensController],
  providers: [MachineTokensService],
})
export class MachineTokensModule {}
