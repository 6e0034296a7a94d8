// Builds a ready (migrated, seeded, not yet listening) PumpWatch app: API under /api, socket.io, Swagger, dashboard.
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { LogLevel } from './infra/config';
import { Clock, SystemClock } from './infra/clock';
import { clientDistDir } from './infra/paths';

export interface PumpWatchAppOptions {
  databaseUrl: string;
  demo: boolean;
  clock?: Clock;
  logLevel?: LogLevel;
  /** Folder of the built dashboard; default `<repo>/client/dist`. */
  clientDir?: string;
}

export async function createPumpWatchApp(options: PumpWatchAppOptions): Promise<NestExpressApplication> {
  const logLevel = options.logLevel ?? ((process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info');
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ databaseUrl: options.databaseUrl, demo: options.demo, logLevel }, options.clock ?? new SystemClock()),
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix('api');
  app.enableCors({ origin: true });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('PumpWatch API')
      .setDescription('Intrathecal baclofen pumps: fills, programs and exact refill deadlines. Instants are ISO-8601 UTC; units are in field names.')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);

  serveDashboard(app, options.clientDir ?? clientDistDir());
  await app.init();
  return app;
}

/** The built dashboard on the same port; any other GET outside /api and /socket.io is a client-side route. */
function serveDashboard(app: NestExpressApplication, clientDir: string): void {
  const indexHtml = path.join(clientDir, 'index.html');
  if (!fs.existsSync(indexHtml)) return;
  app.useStaticAssets(clientDir, { index: false });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/api' || req.path.startsWith('/api/') || req.path.startsWith('/socket.io')) return next();
    res.sendFile(indexHtml);
  });
}
