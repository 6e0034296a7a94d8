// GET /api/health: is the database reachable, and how paging fares (last sweep, failed pages).
import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { PagingService } from '../paging/paging.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly paging: PagingService,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    // Paging reports `up` with its figures whatever they are: only the database decides the status (monitors alert on the count).
    return this.health.check([() => this.database.pingCheck('database', { timeout: 3000 }), () => this.paging.health()]);
  }
}
