// Public entry of the on-call roster: contracts, defaults, and the pure rules the escalation engine reads.
export * from './on-call-contracts';
export * from './on-call-config';
export * from './shift-rules';
export * from './who-is-on-call';
export * from './escalation';
