// HTTP adapter for the audit trail: administrators search who changed what.
import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { auditQuerySchema } from '@pumpwatch/shared';
import type { AuditEntry, AuditQuery } from '@pumpwatch/shared';
import { clinicIdsWith, CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { AuditService } from './audit.service';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  search(@CurrentActor() actor: Actor, @Query(new ZodValidationPipe(auditQuerySchema)) query: AuditQuery): Promise<AuditEntry[]> {
    return this.audit.search(actor, query, clinicIdsWith(actor, 'administer'));
  }
}
