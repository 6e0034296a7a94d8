// Public entry of the clinical-safety domain: kidneys, neurotoxicity, tolerance, dose-change guard, tapers, side effects, check-ups.
export * from './clinical-safety-config';
export * from './labs-contracts';
export * from './renal-function';
export * from './renal-flags';
export * from './taper-plan';
export * from './taper-step-limits';
export * from './dose-guard';
export * from './drug-library';
export * from './side-effects';
export * from './check-ups';
export * from './clinical-safety-contracts';
export * from './patient-time-rules';
