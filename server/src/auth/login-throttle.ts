// Throttles repeated sign-in failures per address, in PostgreSQL so every instance counts them all; the per-account lock lives in users.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Seconds until this address may try again, or 0. */
  async retryAfterSeconds(address: string): Promise<number> {
    const windowMs = LOGIN_THROTTLE.addressWindowMinutes * 60_000;
    const nowMs = this.clock.now().getTime();
    const rows: { failed_at: Date[] }[] = await this.dataSource.query(
      'SELECT failed_at FROM login_failures_by_address WHERE address = $1',
      [address],
    );
    const recent = (rows[0]?.failed_at ?? [])
      .map((t) => t.getTime())
      .filter((t) => t > nowMs - windowMs)
      .sort((a, b) => a - b);
    if (recent.length < LOGIN_THROTTLE.addressFailures) return 0;
    const oldestCounted = recent[recent.length - LOGIN_THROTTLE.addressFailures];
    return Math.max(1, Math.ceil((oldestCounted + windowMs - nowMs) / 1000));
  }

  /** One statement: the failure added and those older than the window dropped, atomically against other instances. */
  async recordFailure(address: string): Promise<void> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - LOGIN_THROTTLE.addressWindowMinutes * 60_000);
    await this.dataSource.query(
      `INSERT INTO login_failures_by_address AS f (address, failed_at, updated_at) VALUES ($1, ARRAY[$2::timestamptz], $2)
       ON CONFLICT (address) DO UPDATE SET
         failed_at = ARRAY(SELECT t FROM unnest(f.failed_at) AS t WHERE t > $3 ORDER BY t) || $2::timestamptz, updated_at = $2`,
      [address, now, since],
    );
  }
}
