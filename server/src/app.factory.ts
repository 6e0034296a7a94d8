// Builds a ready (migrated, seeded, not yet listening) PumpWatch app: API under /api, socket.io, Swagger, dashboard.
import 'reflect-metadata';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { SwaggerModule } from '@nestjs/swagger';
import compression from 'compression';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import pino, { DestinationStream } from 'pino';
import type { ServerOptions } from 'socket.io';
import { AppModule } from './app.module';
import { UNPREFIXED_CONTROLLER_PATHS } from './auth/route-permissions';
import { prepareAppDatabase } from './infra/app-database-role';
import type { AppOptions, BootstrapAdmin } from './infra/app-options';
import type { LogLevel } from './infra/config';
import type { DatabaseSupervision } from './infra/postgres-supervisor';
import { Clock, SystemClock } from './infra/clock';
import { clientDistDir } from './infra/paths';
import { buildOpenApiDocument, DOCS_PATH } from './openapi/openapi-document';
import { requestIdMiddleware } from './infra/request-id';
import { telemetryBodyParser } from './telemetry/telemetry-body-parser';

export interface PumpWatchAppOptions {
  /** The database owner's URL (DATABASE_URL or the embedded server): migrations run with it; the app connects as its own role. */
  databaseUrl: string;
  /** DATABASE_APP_URL: the app's login role on an external database; default derived from the owner. */
  databaseAppUrl?: string | null;
  demo: boolean;
  /** With demo: the in-process telemetry simulator (PUMPWATCH_SIMULATE); default off. */
  simulate?: boolean;
  clock?: Clock;
  logLevel?: LogLevel;
  /** Folder of the built dashboard; default `<repo>/client/dist`. */
  clientDir?: string;
  publicUrl?: string | null;
  /** Default none: same origin only. */
  corsOrigins?: string[];
  bootstrapAdmin?: BootstrapAdmin | null;
  /** Default 12. */
  sessionHours?: number;
  /** Default `1mb`. */
  bodyLimit?: string;
  /** Where pino writes; default standard output. */
  logDestination?: DestinationStream;
  /** Embedded mode: what watches and restarts the database (health reads it). */
  databaseSupervision?: DatabaseSupervision | null;
  /** Reverse proxies in front: the client address (sign-in throttling per address) comes from X-Forwarded-For; default 0. */
  trustProxyHops?: number;
  /** PUMPWATCH_SERVE_SOURCE_MAPS: serve the dashboard's *.map files; default off (404). */
  serveSourceMaps?: boolean;
}

export async function createPumpWatchApp(options: PumpWatchAppOptions): Promise<NestExpressApplication> {
  const logLevel = options.logLevel ?? (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info';
  // Before Nest exists, the start-up warnings still go out as the same JSON lines.
  const startupLogger = options.logDestination ? pino({ level: logLevel }, options.logDestination) : pino({ level: logLevel });
  const database = await prepareAppDatabase({
    ownerUrl: options.databaseUrl,
    configuredAppUrl: options.databaseAppUrl ?? null,
    warn: (message) => startupLogger.warn({ context: 'AppDatabaseRole' }, message),
  });
  const appOptions: AppOptions = {
    databaseUrl: database.appUrl,
    ownerDatabaseUrl: database.ownerUrl,
    demo: options.demo,
    simulate: options.simulate ?? false,
    logLevel,
    publicUrl: options.publicUrl ?? null,
    corsOrigins: options.corsOrigins ?? [],
    bootstrapAdmin: options.bootstrapAdmin ?? null,
    sessionHours: options.sessionHours ?? 12,
    bodyLimit: options.bodyLimit ?? '1mb',
    logDestination: options.logDestination,
    databaseSupervision: options.databaseSupervision ?? null,
  };

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(appOptions, options.clock ?? new SystemClock()), {
    bufferLogs: true,
    abortOnError: false,
    // Registered below with the configured limit, after the request id and the security headers.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // Behind the proxy every request comes from the proxy's address: the per-address sign-in throttle needs the client's.
  if (options.trustProxyHops) app.set('trust proxy', options.trustProxyHops);
  // First, so that every answer, even one the body parser gives, carries its request id and the security headers.
  app.use(requestIdMiddleware);
  app.use(helmet(helmetOptions(appOptions)));
  app.use(compression({ threshold: COMPRESSION_THRESHOLD_BYTES, filter: shouldCompress }));
  // x-last-event-id (GET /api/pumps, /api/alerts): a dashboard on another allowed origin reads it to resume its socket; the alert
  // list's counts and next page likewise (the dashboard itself is same-origin and reads them anyway).
  if (appOptions.corsOrigins.length > 0) {
    app.enableCors({
      origin: appOptions.corsOrigins,
      credentials: true,
      exposedHeaders: ['x-last-event-id', 'x-total-count', 'x-severity-counts', 'x-next-cursor', 'link'],
    });
  }
  // A full telemetry batch (up to 10,000 readings) needs more than the general limit; only that route gets it.
  app.use(telemetryBodyParser());
  app.useBodyParser('json', { limit: appOptions.bodyLimit });
  app.useBodyParser('urlencoded', { limit: appOptions.bodyLimit, extended: true });
  app.useWebSocketAdapter(new OriginCheckingIoAdapter(app, appOptions));
  // The FHIR API keeps its own base, /fhir (route-permissions.ts keys its routes so).
  app.setGlobalPrefix('api', { exclude: UNPREFIXED_CONTROLLER_PATHS.flatMap((base) => [base, `${base}/{*path}`]) });

  // Every route with its summary, the zod schemas it validates with, its answer's schema, the error shape, security and examples.
  const document = buildOpenApiDocument(app);
  // No validator badge: it would fetch an image from validator.swagger.io, which the CSP (rightly) refuses. The JSON is at /api/docs-json.
  SwaggerModule.setup(DOCS_PATH, app, document, { swaggerOptions: { validatorUrl: null, persistAuthorization: true } });

  serveDashboard(app, options.clientDir ?? clientDistDir(), options.serveSourceMaps ?? false);
  await app.init();
  return app;
}

function isHttps(publicUrl: string | null | undefined): boolean {
  return typeof publicUrl === 'string' && publicUrl.startsWith('https://');
}

/**
 * The dashboard is a same-origin Vite bundle (module scripts, one stylesheet) and Swagger UI loads its own files, so
 * scripts come from 'self' only. Inline styles stay allowed: recharts and React set style attributes and Swagger UI
 * has an inline <style>.
 */
export function helmetOptions(options: Pick<AppOptions, 'publicUrl'>): Parameters<typeof helmet>[0] {
  const https = isHttps(options.publicUrl);
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        // socket.io on the same origin ('self' covers ws: and wss: of this host).
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Over plain http (a LAN address, localhost) upgrading would break every asset.
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    // HSTS over http is ignored by browsers at best; over https it pins the clinic's browsers to TLS.
    strictTransportSecurity: https ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'no-referrer' },
  };
}

/**
 * socket.io answers CORS only for the configured origins (credentials included), and refuses a browser handshake from
 * any other origin: browsers do not apply CORS to WebSockets, and a same-site page would carry the session cookie.
 */
class OriginCheckingIoAdapter extends IoAdapter {
  private readonly allowedOrigins: Set<string>;

  constructor(
    app: INestApplicationContext,
    private readonly options: Pick<AppOptions, 'corsOrigins' | 'publicUrl'>,
  ) {
    super(app);
    this.allowedOrigins = new Set(options.corsOrigins);
    if (options.publicUrl) this.allowedOrigins.add(new URL(options.publicUrl).origin);
  }

  override createIOServer(port: number, options?: ServerOptions): unknown {
    const gatewayAllowRequest = options?.allowRequest;
    const allowRequest: NonNullable<ServerOptions['allowRequest']> = (req, callback) => {
      if (!this.originAllowed(req)) return callback('origin not allowed', false);
      if (gatewayAllowRequest) return gatewayAllowRequest(req, callback);
      callback(null, true);
    };
    const serverOptions: Partial<ServerOptions> = {
      ...options,
      cors: this.options.corsOrigins.length > 0 ? { origin: this.options.corsOrigins, credentials: true } : { origin: false },
      allowRequest,
    };
    return super.createIOServer(port, serverOptions);
  }

  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    // Non-browser clients (gateways, tests) send no Origin; they authenticate with a token.
    if (origin === undefined) return true;
    if (this.allowedOrigins.has(origin)) return true;
    let originUrl: URL;
    try {
      originUrl = new URL(origin);
    } catch {
      return false;
    }
    const host = req.headers.host ?? '';
    if (originUrl.host === host) return true;
    // The Vite dev server proxies /socket.io from another loopback port: the developer's own machine.
    return isLoopback(originUrl.hostname) && isLoopback(host.replace(/:\d+$/, ''));
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]' || hostname === '::1';
}

/** Answers smaller than this go out as they are: gzip would save nothing on them. */
const COMPRESSION_THRESHOLD_BYTES = 1024;

/** gzip or brotli (as the client accepts) for the dashboard and the API; never socket.io's transport nor an event stream. */
function shouldCompress(req: Request, res: Response): boolean {
  if (req.path.startsWith('/socket.io')) return false;
  const type = res.getHeader('Content-Type');
  if (typeof type === 'string' && type.startsWith('text/event-stream')) return false;
  return compression.filter(req, res);
}

/** Vite names every built file `assets/<name>-<content hash>.<ext>`: a new build gives it a new name. */
const HASHED_ASSET = /^assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Kept, but revalidated on every load (ETag): a new deploy is picked up at once. */
const REVALIDATE = 'no-cache';

/**
 * The built dashboard on the same port; any other GET outside /api and /socket.io is a client-side route. Hashed assets
 * are cached for a year, index.html and unhashed files are revalidated; source maps only when the setting asks.
 */
function serveDashboard(app: NestExpressApplication, clientDir: string, serveSourceMaps: boolean): void {
  const indexHtml = path.join(clientDir, 'index.html');
  if (!fs.existsSync(indexHtml)) return;
  if (!serveSourceMaps) {
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (!req.path.endsWith('.map') || req.path.startsWith('/api/')) return next();
      res.status(404).type('text/plain').send('Not found');
    });
  }
  app.useStaticAssets(clientDir, {
    index: false,
    setHeaders: (res: Response, filePath: string) => {
      const relative = path.relative(clientDir, filePath).split(path.sep).join('/');
      res.setHeader('Cache-Control', HASHED_ASSET.test(relative) ? IMMUTABLE : REVALIDATE);
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/api' || req.path.startsWith('/api/') || req.path.startsWith('/socket.io')) return next();
    if (UNPREFIXED_CONTROLLER_PATHS.some((base) => req.path === `/${base}` || req.path.startsWith(`/${base}/`))) return next();
    res.sendFile(indexHtml, { cacheControl: false, headers: { 'Cache-Control': REVALIDATE } });
  });
}
