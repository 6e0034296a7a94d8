// GET /api/health (liveness: is the database reachable, how paging fares) and GET /api/health/ready (readiness for a load
// balancer: database, migrations, LISTEN connection).
import { Controller, Get, HttpStatus, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { PgEventListener } from '../events/pg-event-listener';
import { APP_OPTIONS } from '../infra/app-options';
import type { AppOptions } from '../infra/app-options';
import { supervisionMessage } from '../infra/postgres-supervisor';
import { PagingService } from '../paging/paging.service';

/** How long one readiness check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 3000;

export type ReadinessCheck = 'database' | 'migrations' | 'listen';

export interface ReadinessAnswer {
  status: 'ready' | 'not_ready';
  /** `up` or why not, per check. */
  checks: Record<ReadinessCheck, string>;
  /** The checks that failed, in order (empty when ready). */
  notReady: ReadinessCheck[];
  message?: string;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly paging: PagingService,
    private readonly listener: PgEventListener,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_OPTIONS) private readonly options: AppOptions,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    // While the embedded PostgreSQL is being restarted the answer says so, instead of only "database down".
    const recovering = this.supervision();
    if (recovering) {
      throw new ServiceUnavailableException({
        // `failed` only for the moment between the last failed restart and the process exiting.
        status: this.options.databaseSupervision?.current().state === 'failed' ? 'failed' : 'recovering',
        message: recovering,
        info: {},
        error: { database: { status: 'down', message: recovering } },
        details: { database: { status: 'down', message: recovering } },
      });
    }
    // Paging reports `up` with its figures whatever they are: only the database decides the status (monitors alert on the count).
    return this.health.check([() => this.database.pingCheck('database', { timeout: 3000 }), () => this.paging.health()]);
  }

  /** Take this instance into the load balancer only when it can serve: 503 names what is not ready. */
  @Get('ready')
  @ApiResponse({ status: HttpStatus.OK, description: 'ready: database reachable, no migration pending, LISTEN connection up' })
  @ApiResponse({ status: HttpStatus.SERVICE_UNAVAILABLE, description: 'not ready: `notReady` names the failed checks' })
  async ready(): Promise<ReadinessAnswer> {
    const recovering = this.supervision();
    const [database, migrations] = await Promise.all([
      recovering ? Promise.resolve(`down: ${recovering}`) : this.outcome(this.dataSource.query('SELECT 1').then(() => 'up')),
      recovering
        ? Promise.resolve('unknown: the database is down')
        : this.outcome(this.dataSource.showMigrations().then((pending) => (pending ? 'pending: migrations not applied' : 'up'))),
    ]);
    const checks: Record<ReadinessCheck, string> = {
      database,
      migrations,
      listen: this.listener.isListening() ? 'up' : 'down: the LISTEN connection for live events is not connected',
    };
    const notReady = (Object.keys(checks) as ReadinessCheck[]).filter((name) => checks[name] !== 'up');
    if (notReady.length === 0) return { status: 'ready', checks, notReady };
    throw new ServiceUnavailableException({
      status: 'not_ready',
      checks,
      notReady,
      message: `not ready: ${notReady.map((name) => `${name} ${checks[name]}`).join('; ')}`,
    } satisfies ReadinessAnswer);
  }

  private supervision(): string | null {
    const supervision = this.options.databaseSupervision;
    return supervision ? supervisionMessage(supervision.current()) : null;
  }

  /** `up`, or `down: <why>` when the check failed or took longer than CHECK_TIMEOUT_MS. */
  private async outcome(check: Promise<string>): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`down: no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
    });
    try {
      return await Promise.race([check.catch((error: Error) => `down: ${error.message}`), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
