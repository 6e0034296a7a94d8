// Throttles repeated sign-in failures per address (in memory, per instance); the per-account lock lives in the users table.
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../infra/clock';

/** OWASP Authentication Cheat Sheet ("account lockout"/"throttling"): a few tries, then a delay; numbers are the clinic's policy. */
export const LOGIN_THROTTLE = {
  /** Consecutive failures on one account before it is locked for `accountLockMinutes`. */
  accountFailures: 5,
  accountLockMinutes: 15,
  /** Failures from one address within `addressWindowMinutes` before that address is refused. */
  addressFailures: 20,
  addressWindowMinutes: 15,
} as const;

@Injectable()
export class LoginThrottle {
  private readonly failuresByAddress = new Map<string, number[]>();

  constructor(@Inject(Clock) private readonly clock: Clock) {}

  /** Seconds until this address may try again, or 0. */
  retryAfterSeconds(address: string): number {
    const recent = this.recent(address);
    if (recent.length < LOGIN_THROTTLE.addressFailures) return 0;
    const windowMs = LOGIN_THROTTLE.addressWindowMinutes * 60_000;
    const oldestCounted = recent[recent.length - LOGIN_THROTTLE.addressFailures];
    return Math.max(1, Math.ceil((oldestCounted + windowMs - this.clock.now().getTime()) / 1000));
  }

  recordFailure(address: string): void {
    const recent = this.recent(address);
    recent.push(this.clock.now().getTime());
    this.failuresByAddress.set(address, recent);
  }

  private recent(address: string): number[] {
    const since = this.clock.now().getTime() - LOGIN_THROTTLE.addressWindowMinutes * 60_000;
    const kept = (this.failuresByAddress.get(address) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failuresByAddress.delete(address);
    else this.failuresByAddress.set(address, kept);
    return kept;
  }
}
