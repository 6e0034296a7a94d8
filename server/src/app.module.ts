// Root module: infrastructure (database, logging, clock, errors) and every feature, configured per app instance.
import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { ClinicsModule } from './clinics/clinics.module';
import { DemoModule } from './demo/demo.module';
import { EventsModule } from './events/events.module';
import { FillsModule } from './fills/fills.module';
import { ForecastModule } from './forecast/forecast.module';
import { HealthModule } from './health/health.module';
import { ApiExceptionFilter } from './infra/api-exception.filter';
import { APP_OPTIONS, AppOptions } from './infra/app-options';
import { Clock } from './infra/clock';
import { dataSourceOptions } from './infra/data-source';
import { PatientsModule } from './patients/patients.module';
import { ProgramsModule } from './programs/programs.module';
import { PumpsModule } from './pumps/pumps.module';

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
          pinoHttp: {
            level: options.logLevel,
            // Health probes every few seconds would drown the request log.
            autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/api/health') },
          },
        }),
        TypeOrmModule.forRoot(dataSourceOptions(options.databaseUrl)),
        EventsModule,
        ClinicsModule,
        PatientsModule,
        PumpsModule,
        FillsModule,
        ProgramsModule,
        ForecastModule,
        HealthModule,
        DemoModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
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
