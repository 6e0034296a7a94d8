// Sign-in use cases: credentials to sessions, bearer/cookie to an Actor, password changes, the first administrator.
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ChangePasswordRequest, ClinicRole, DomainError, LoginRequest, LoginResponse, Session, User } from '@pumpwatch/shared';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { signalSessionsChanged } from '../events/session-signals';
import { APP_OPTIONS } from '../infra/app-options';
import type { AppOptions } from '../infra/app-options';
import { Clock } from '../infra/clock';
import { UserEntity } from '../users/user.entity';
import { loadUser } from '../users/user.mapper';
import { Actor, SYSTEM_ACTOR } from './actor';
import { LOGIN_THROTTLE, LoginThrottle } from './login-throttle';
import { hashPassword, randomPassword, verifyPassword } from './passwords';
import { MACHINE_TOKEN_PREFIX, newSecret, secretHash } from './secrets';
import { SessionEntity } from './session.entity';

/** Any constant shared by all instances: two servers starting on an empty database create one administrator. */
const FIRST_ADMIN_LOCK = 7_316_002;
const DEFAULT_ADMIN_EMAIL = 'admin@pumpwatch.local';
/** Gateways post often; their last-use time is written at most this often. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class TooManyAttemptsError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_requests', `too many failed sign-ins: try again in ${retryAfterSeconds} s`);
  }
}

interface SessionRow {
  session_id: string;
  user_id: string;
  expires_at: Date;
  csrf_token: string;
  email: string;
  display_name: string;
  administers_all_clinics: boolean;
  must_change_password: boolean;
  clinic_roles: { clinicId: string; role: ClinicRole }[];
}

/** What a live socket's session allows now: absent from `liveSessions` when it was revoked, expired or its user deactivated. */
export interface LiveSessionScope {
  administersAllClinics: boolean;
  mustChangePassword: boolean;
  clinicRoles: { clinicId: string; role: ClinicRole }[];
}

@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger('Auth');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_OPTIONS) private readonly options: AppOptions,
    @Inject(Clock) private readonly clock: Clock,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.createFirstAdministrator();
    const demoUsers: { n: number }[] = await this.dataSource.query('SELECT count(*)::int AS n FROM users WHERE is_demo');
    if (demoUsers[0].n > 0) {
      this.logger.warn(`${demoUsers[0].n} demo accounts with published passwords exist: never use this database for real patients`);
    }
  }

  /** First start with no users: the administrator of every clinic, from the environment or with a one-time random password. */
  private async createFirstAdministrator(): Promise<void> {
    const configured = this.options.bootstrapAdmin;
    const email = (configured?.email ?? DEFAULT_ADMIN_EMAIL).trim().toLowerCase();
    const password = configured?.password ?? randomPassword();
    const created = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [FIRST_ADMIN_LOCK]);
      if ((await manager.count(UserEntity)) > 0) return null;
      const user = await manager.save(
        manager.create(UserEntity, {
          email,
          displayName: 'Administrator',
          passwordHash: await hashPassword(password),
          administersAllClinics: true,
          mustChangePassword: configured === null,
          passwordChangedAt: this.clock.now(),
          isDemo: false,
        }),
      );
      await this.audit.record(manager, SYSTEM_ACTOR, {
        action: 'user.created',
        entityType: 'user',
        entityId: user.id,
        clinicId: null,
        changes: { email: { before: null, after: email }, administersAllClinics: { before: null, after: true } },
      });
      return user;
    });
    if (!created) return;
    if (configured) {
      this.logger.log(`first administrator ${email} created from PUMPWATCH_ADMIN_EMAIL/PUMPWATCH_ADMIN_PASSWORD`);
    } else {
      // Outside the JSON log on purpose: log files are shipped and kept; this secret must be seen once and changed.
      process.stderr.write(
        `\nPumpWatch: first administrator created\n  email:    ${email}\n  password: ${password}\n` +
          '  (shown once; it must be changed at first sign-in; set PUMPWATCH_ADMIN_EMAIL and PUMPWATCH_ADMIN_PASSWORD to choose)\n\n',
      );
    }
  }

  async login(request: LoginRequest, address: string, requestId: string | null): Promise<{ response: LoginResponse; token: string }> {
    const addressWait = await this.throttle.retryAfterSeconds(address);
    if (addressWait > 0) throw new TooManyAttemptsError(addressWait);
    const now = this.clock.now();
    const user = await this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('user')
      .where('lower(user.email) = :email', { email: request.email.toLowerCase() })
      .getOne();
    if (user?.lockedUntil && user.lockedUntil.getTime() > now.getTime()) {
      throw new TooManyAttemptsError(Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 1000));
    }
    const valid = await verifyPassword(user?.passwordHash ?? null, request.password);
    if (!user || !valid) {
      await this.throttle.recordFailure(address);
      if (user) await this.recordFailedLogin(user.id, requestId);
      throw new DomainError('unauthenticated', 'email or password is wrong');
    }
    // Said only to whoever knows the password: the email alone does not tell that the account exists.
    if (user.deactivatedAt)
      throw DomainError.forbidden('this account is deactivated: ask an administrator of your clinic to reactivate it');

    const token = newSecret();
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.options.sessionHours * 3_600_000);
    const session = await this.dataSource.transaction(async (manager) => {
      await manager.update(UserEntity, { id: user.id }, { failedLoginCount: 0, lockedUntil: null });
      const saved = await manager.save(
        manager.create(SessionEntity, { userId: user.id, tokenHash: secretHash(token), csrfToken, expiresAt, revokedAt: null }),
      );
      await this.audit.record(manager, this.userActor(user, requestId), {
        action: 'session.created',
        entityType: 'session',
        entityId: saved.id,
        clinicId: null,
        changes: { expiresAt: { before: null, after: expiresAt.toISOString() } },
      });
      return saved;
    });
    const profile = await loadUser(this.dataSource.manager, user.id);
    return { token, response: { accessToken: token, expiresAt: session.expiresAt.toISOString(), user: profile, csrfToken } };
  }

  /** Counts a failure on the account; the fifth in a row locks it for a while (the lock is audited). */
  private async recordFailedLogin(userId: string, requestId: string | null): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // TypeORM answers an UPDATE ... RETURNING with [rows, rowCount].
      const [rows]: [{ failed_login_count: number }[], number] = await manager.query(
        'UPDATE users SET failed_login_count = failed_login_count + 1 WHERE id = $1 RETURNING failed_login_count',
        [userId],
      );
      const failures = rows[0].failed_login_count;
      const actor: Actor = { ...SYSTEM_ACTOR, kind: 'system', label: 'sign-in', requestId };
      const changes: Record<string, { before: unknown; after: unknown }> = { failedLoginCount: { before: failures - 1, after: failures } };
      if (failures >= LOGIN_THROTTLE.accountFailures) {
        const lockedUntil = new Date(this.clock.now().getTime() + LOGIN_THROTTLE.accountLockMinutes * 60_000);
        await manager.query('UPDATE users SET failed_login_count = 0, locked_until = $2 WHERE id = $1', [userId, lockedUntil]);
        changes.lockedUntil = { before: null, after: lockedUntil.toISOString() };
      }
      await this.audit.record(manager, actor, {
        action: 'user.login_failed',
        entityType: 'user',
        entityId: userId,
        clinicId: null,
        changes,
      });
    });
  }

  async logout(actor: Actor): Promise<void> {
    if (!actor.sessionId) return;
    await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      await manager.update(SessionEntity, { id: actor.sessionId as string }, { revokedAt: now });
      await this.audit.record(manager, actor, {
        action: 'session.revoked',
        entityType: 'session',
        entityId: actor.sessionId,
        clinicId: null,
        changes: { revokedAt: { before: null, after: now.toISOString() } },
      });
      if (actor.id) await signalSessionsChanged(manager, actor.id);
    });
  }

  async me(actor: Actor): Promise<Session> {
    if (actor.kind !== 'user' || !actor.id || !actor.sessionExpiresAt || !actor.csrfToken)
      throw DomainError.forbidden('only a signed-in user has a session');
    return {
      expiresAt: actor.sessionExpiresAt.toISOString(),
      user: await loadUser(this.dataSource.manager, actor.id),
      csrfToken: actor.csrfToken,
    };
  }

  /** Changing one's own password ends every other session of the account (a stolen one among them). */
  async changePassword(actor: Actor, request: ChangePasswordRequest): Promise<User> {
    if (actor.kind !== 'user' || !actor.id) throw DomainError.forbidden('only a signed-in user has a password');
    const userId = actor.id;
    const user = await this.dataSource.manager.findOneByOrFail(UserEntity, { id: userId });
    if (!(await verifyPassword(user.passwordHash, request.currentPassword))) {
      throw DomainError.rule('currentPassword', 'is not your current password');
    }
    if (request.newPassword === request.currentPassword) throw DomainError.rule('newPassword', 'must differ from the current password');
    const passwordHash = await hashPassword(request.newPassword);
    await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      await manager.update(UserEntity, { id: userId }, { passwordHash, mustChangePassword: false, passwordChangedAt: now });
      await manager.query('UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL', [
        userId,
        actor.sessionId,
        now,
      ]);
      await this.audit.record(manager, actor, {
        action: 'user.password_changed',
        entityType: 'user',
        entityId: userId,
        clinicId: null,
        changes: {
          passwordChangedAt: { before: user.passwordChangedAt.toISOString(), after: now.toISOString() },
          mustChangePassword: { before: user.mustChangePassword, after: false },
        },
      });
      await signalSessionsChanged(manager, userId);
    });
    return loadUser(this.dataSource.manager, userId);
  }

  /** The actor behind a bearer secret (session or gateway token), or null when it is unknown, revoked or expired. */
  async authenticate(secret: string, viaCookie: boolean, requestId: string | null): Promise<Actor | null> {
    if (secret.length < 20 || secret.length > 200) return null;
    const now = this.clock.now();
    if (!viaCookie && secret.startsWith(MACHINE_TOKEN_PREFIX)) return this.authenticateMachine(secret, now, requestId);
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT s.id AS session_id, s.user_id, s.expires_at, s.csrf_token, u.email, u.display_name, u.administers_all_clinics, u.must_change_password,
              coalesce(json_agg(json_build_object('clinicId', m.clinic_id, 'role', m.role)) FILTER (WHERE m.clinic_id IS NOT NULL), '[]') AS clinic_roles
         FROM sessions s
         JOIN users u ON u.id = s.user_id
         LEFT JOIN clinic_memberships m ON m.user_id = u.id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.deactivated_at IS NULL
        GROUP BY s.id, u.id`,
      [secretHash(secret), now],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      kind: 'user',
      id: row.user_id,
      label: row.email,
      displayName: row.display_name,
      sessionId: row.session_id,
      sessionExpiresAt: new Date(row.expires_at),
      csrfToken: row.csrf_token,
      viaCookie,
      mustChangePassword: row.must_change_password,
      requestId,
      machineClinicId: null,
      administersAllClinics: row.administers_all_clinics,
      clinicRoles: row.clinic_roles,
    };
  }

  /** The sessions among these that are still valid, with their user's scope as it is now (one query for any number of sockets). */
  async liveSessions(sessionIds: readonly string[]): Promise<Map<string, LiveSessionScope>> {
    if (sessionIds.length === 0) return new Map();
    const rows: Pick<SessionRow, 'session_id' | 'administers_all_clinics' | 'must_change_password' | 'clinic_roles'>[] =
      await this.dataSource.query(
        `SELECT s.id AS session_id, u.administers_all_clinics, u.must_change_password,
                coalesce(json_agg(json_build_object('clinicId', m.clinic_id, 'role', m.role)) FILTER (WHERE m.clinic_id IS NOT NULL), '[]') AS clinic_roles
           FROM sessions s
           JOIN users u ON u.id = s.user_id
           LEFT JOIN clinic_memberships m ON m.user_id = u.id
          WHERE s.id = ANY($1::uuid[]) AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.deactivated_at IS NULL
          GROUP BY s.id, u.id`,
        [[...new Set(sessionIds)], this.clock.now()],
      );
    return new Map(
      rows.map((row) => [
        row.session_id,
        { administersAllClinics: row.administers_all_clinics, mustChangePassword: row.must_change_password, clinicRoles: row.clinic_roles },
      ]),
    );
  }

  private async authenticateMachine(secret: string, now: Date, requestId: string | null): Promise<Actor | null> {
    // One round trip for every gateway upload: find the token and, at most once per resolution, note its use.
    const rows: { id: string; clinic_id: string; name: string }[] = await this.dataSource.query(
      `WITH token AS (
         SELECT id, clinic_id, name, last_used_at FROM machine_tokens WHERE token_hash = $1 AND revoked_at IS NULL
       ), touched AS (
         UPDATE machine_tokens m SET last_used_at = $2 FROM token
         WHERE m.id = token.id AND (token.last_used_at IS NULL OR token.last_used_at < $3) RETURNING m.id
       )
       SELECT id, clinic_id, name FROM token`,
      [secretHash(secret), now, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)],
    );
    const token = rows[0];
    if (!token) return null;
    return {
      kind: 'machine',
      id: token.id,
      label: `gateway token ${token.name}`,
      sessionId: null,
      sessionExpiresAt: null,
      csrfToken: null,
      viaCookie: false,
      mustChangePassword: false,
      requestId,
      machineClinicId: token.clinic_id,
      administersAllClinics: false,
      clinicRoles: [],
    };
  }

  private userActor(user: UserEntity, requestId: string | null): Actor {
    return {
      kind: 'user',
      id: user.id,
      label: user.email,
      displayName: user.displayName,
      sessionId: null,
      sessionExpiresAt: null,
      csrfToken: null,
      viaCookie: false,
      mustChangePassword: user.mustChangePassword,
      requestId,
      machineClinicId: null,
      administersAllClinics: user.administersAllClinics,
      clinicRoles: [],
    };
  }
}
