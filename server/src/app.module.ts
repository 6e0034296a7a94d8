// Root module: infrastructure (database, logging, clock, errors) and every feature, configured per app instance.
import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { AlertsModule } from './alerts/alerts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ClinicalSafetyModule } from './clinical-safety/clinical-safety.module';
import { CliniciansModule } from './clinicians/clinicians.module';
import { ClinicsModule } from './clinics/clinics.module';
import { DemoModule } from './demo/demo.module';
import { DrugLibraryModule } from './drug-library/drug-library.module';
import { EventsModule } from './events/events.module';
import { FhirModule } from './fhir/fhir.module';
import { FillsModule } from './fills/fills.module';
import { FleetModule } from './fleet/fleet.module';
import { ForecastModule } from './forecast/forecast.module';
import { HealthModule } from './health/health.module';
import { ImportsModule } from './imports/imports.module';
import { OnCallModule } from './on-call/on-call.module';
import { PagingModule } from './paging/paging.module';
import { ApiExceptionFilter } from './infra/api-exception.filter';
import { APP_OPTIONS, AppOptions } from './infra/app-options';
import { Clock } from './infra/clock';
import { appDataSourceOptions } from './infra/data-source';
import { ensureRequestId } from './infra/request-id';
import { PatientsModule } from './patients/patients.module';
import { ProgramsModule } from './programs/programs.module';
import { PumpsModule } from './pumps/pumps.module';
import { SchedulingModule } from './scheduling/scheduling.module';
import { SimulationModule } from './simulation/simulation.module';
import { TelemetryModule } from './telemetry/telemetry.module';
import { MachineTokensModule } from './machine-tokens/machine-tokens.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(options: AppOptions, clock: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfraModule.forRoot(options, clock),
        LoggerModule.forRoot({
          // Nest 11's path syntax for "every route" (the default '*' triggers a legacy-route warning).
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: options.logDestination ? [requestLog(options), options.logDestination] : requestLog(options),
        }),
        TypeOrmModule.forRoot(appDataSourceOptions(options.databaseUrl)),
        EventsModule,
        AuditModule,
        DrugLibraryModule,
        AuthModule,
        UsersModule,
        MachineTokensModule,
        ClinicsModule,
        PatientsModule,
        PumpsModule,
        // The fleet read model: GET /api/pumps/:id/fleet-row and the rows pump.changed carries.
        FleetModule,
        FillsModule,
        ProgramsModule,
        // Spreadsheet import (issue 17), through the patients, pumps, fills and programs use cases.
        ImportsModule,
        ForecastModule,
        TelemetryModule,
        CliniciansModule,
        OnCallModule,
        // Before AlertsModule: its GET /api/alerts/acknowledge-link must be routed before GET /api/alerts/:id.
        PagingModule,
        AlertsModule,
        SchedulingModule,
        ClinicalSafetyModule,
        // Read-only FHIR R4 under /fhir (issue 17).
        FhirModule,
        // Once for the whole app: the alert sweep's @Cron (and any later job).
        ScheduleModule.forRoot(),
        HealthModule,
        DemoModule,
        SimulationModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}

/**
 * One JSON line per request with its id, method and path. Never the query string (patients are searched by name with
 * `?q=`), never headers (Authorization, cookies, the anti-CSRF token) or bodies (passwords).
 */
function requestLog(options: AppOptions): PinoHttpOptions {
  return {
    level: options.logLevel,
    genReqId: (req, res) => ensureRequestId(req, res),
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string }) => ({
        id: req.id,
        method: req.method,
        path: (req.url ?? '').split('?')[0],
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    // Only reached if a serializer above is ever widened back to the defaults.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        'req.body.secret',
        'req.body.password',
      ],
      censor: '[redacted]',
    },
    // Health probes every few seconds would drown the request log.
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/api/health') },
  };
}

@Module({})
class InfraModule {
  static forRoot(options: AppOptions, clock: Clock): DynamicModule {
    return {
      module: InfraModule,
      global: true,
      providers: [
        { provide: APP_OPTIONS, useValue: options },
        { provide: Clock, useValue: clock },
      ],
      exports: [APP_OPTIONS, Clock],
    };
  }
}
