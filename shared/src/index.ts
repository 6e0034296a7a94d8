// Public entry of the shared domain package: contracts, clinical configuration and the forecast.
export * from './clinical-config';
export * from './contracts';
export * from './forecast/forecast';
export * from './forecast/urgency';
export * from './domain-error';
export * from './access/permissions';
export * from './access/auth-contracts';
export * from './telemetry/pump-telemetry-status';
