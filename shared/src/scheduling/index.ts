// Public entry of refill scheduling: contracts, defaults, availability, slot finding and the fleet planner (pure functions).
export * from './scheduling-config';
export * from './scheduling-contracts';
export * from './availability';
export * from './refill-slots';
export * from './refill-planner';
export * from './clinic-closures';
