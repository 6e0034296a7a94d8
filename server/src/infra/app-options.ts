// Options of one PumpWatch app instance, provided to every module that needs them.
import type { LogLevel } from './config';

export const APP_OPTIONS = Symbol('PUMPWATCH_APP_OPTIONS');

export interface AppOptions {
  databaseUrl: string;
  demo: boolean;
  logLevel: LogLevel;
}
