// The injectable clock: services ask it for "now" so tests can move time instead of sleeping.
export abstract class Clock {
  abstract now(): Date;

  /** False for a clock that moves only when a test moves it: jobs that run because time passes (the alert sweep) then wait for the test. */
  readonly advancesByItself: boolean = true;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock tests set and advance by hand. */
export class ManualClock extends Clock {
  override readonly advancesByItself = false;
  private current: number;

  constructor(start: Date | string) {
    super();
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }

  advanceMs(ms: number): void {
    this.current += ms;
  }
}
