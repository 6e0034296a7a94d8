// HTTP adapter for a pump's programs.
import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { createProgramSchema, Program } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { KnownPumpGuard } from '../pumps/known-pump.guard';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { ProgramsService } from './programs.service';
import type { ValidProgramRequest } from './programs.service';

@ApiTags('programs')
@UseGuards(KnownPumpGuard)
@Controller('pumps/:id/programs')
export class ProgramsController {
  constructor(private readonly programs: ProgramsService) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createProgramSchema) })
  set(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('pump')) pumpId: string,
    @Body(new ZodValidationPipe(createProgramSchema)) request: ValidProgramRequest,
  ): Promise<Program> {
    return this.programs.set(actor, pumpId, request);
  }

  @Get()
  list(@Param('id', new EntityIdPipe('pump')) pumpId: string): Promise<Program[]> {
    return this.programs.list(pumpId);
  }
}
