// Who is making a request (a user, a gateway token, or the system itself) and the clinic-scoping checks on it.
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AccessSubject, Capability, DomainError, mayUse, seesClinic } from '@pumpwatch/shared';

export interface Actor extends AccessSubject {
  kind: 'user' | 'machine' | 'system';
  /** User id, machine token id, or null for the system. */
  id: string | null;
  /** Email of the user, name of the token: kept in the audit row as it was at the time. */
  label: string;
  /** A user's name as colleagues know it, for what the dashboard shows (who acknowledged an alert); absent for tokens and the system. */
  displayName?: string;
  sessionId: string | null;
  sessionExpiresAt: Date | null;
  csrfToken: string | null;
  /** Authenticated by the dashboard's cookie (writes then need the anti-CSRF header). */
  viaCookie: boolean;
  mustChangePassword: boolean;
  /** Request id of the HTTP request, for the audit trail. */
  requestId: string | null;
  /** The one clinic a gateway machine token may post telemetry for. */
  machineClinicId: string | null;
}

/** Scheduled jobs and start-up seeding act as the system: every clinic, audited as 'system'. */
export const SYSTEM_ACTOR: Actor = {
  kind: 'system',
  id: null,
  label: 'system',
  sessionId: null,
  sessionExpiresAt: null,
  csrfToken: null,
  viaCookie: false,
  mustChangePassword: false,
  requestId: null,
  machineClinicId: null,
  administersAllClinics: true,
  clinicRoles: [],
};

/** Who did it, as the dashboard names them: a user as colleagues know them, a token by its name, the system as 'system'. The audit row keeps `label`. */
export function shownNameOf(actor: Actor): string {
  return actor.kind === 'user' ? (actor.displayName ?? actor.label) : actor.label;
}

/** Clinics whose records the actor sees; null means every clinic. */
export function visibleClinicIds(actor: Actor): string[] | null {
  return actor.administersAllClinics ? null : actor.clinicRoles.map((r) => r.clinicId);
}

/** Clinics where the actor holds `capability`; null means every clinic. */
export function clinicIdsWith(actor: Actor, capability: Capability): string[] | null {
  if (actor.administersAllClinics) return null;
  return actor.clinicRoles.filter((r) => mayUse({ administersAllClinics: false, clinicRoles: [r] }, capability)).map((r) => r.clinicId);
}

/**
 * A record of a clinic the actor has no role in answers 404 as if it did not exist; one the actor sees but whose
 * clinic role lacks the capability answers 403.
 */
export function assertMayUseIn(actor: Actor, capability: Capability, clinicId: string, field: string, notFoundMessage: string): void {
  if (actor.kind === 'machine') {
    // A gateway token reaches telemetry of its own clinic and nothing else.
    if (actor.machineClinicId !== clinicId) throw DomainError.notFound(field, notFoundMessage);
    if (capability !== 'telemetry') throw DomainError.forbidden('a gateway token may only post telemetry');
    return;
  }
  if (!seesClinic(actor, clinicId)) throw DomainError.notFound(field, notFoundMessage);
  if (!mayUse(actor, capability, clinicId))
    throw DomainError.forbidden(`your role in this clinic does not allow this (needs ${capability})`);
}

export function assertSees(actor: Actor, clinicId: string, field: string, notFoundMessage: string): void {
  if (actor.kind === 'machine' ? actor.machineClinicId !== clinicId : !seesClinic(actor, clinicId))
    throw DomainError.notFound(field, notFoundMessage);
}

/** The authenticated actor the auth guard put on the request. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<{ actor?: Actor }>();
  if (!request.actor) throw new DomainError('unauthenticated', 'sign in first');
  return request.actor;
});
