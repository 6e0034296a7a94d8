// The one permission table: which capability each API route needs, and which clinic roles hold each capability.

/** Clinic roles, lowest to highest: each holds everything of the roles below it. */
export const CLINIC_ROLES = ['staff', 'scheduler', 'clinician', 'admin'] as const;
export type ClinicRole = (typeof CLINIC_ROLES)[number];

/**
 * What a route needs. `public`: nobody signs in. `authenticated`: any signed-in user, whatever the clinic.
 * `read` .. `administer`: the role must be held in the clinic of the record (a user without any role there gets 404).
 * `telemetry`: clinician users or a gateway machine token of the pump's clinic. `platform`: the administrator of every clinic.
 */
export const CAPABILITIES = ['public', 'authenticated', 'read', 'schedule', 'clinical', 'telemetry', 'administer', 'platform'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Lowest clinic role holding each clinic-scoped capability. */
export const LOWEST_ROLE_FOR: Record<'read' | 'schedule' | 'clinical' | 'telemetry' | 'administer', ClinicRole> = {
  read: 'staff',
  schedule: 'scheduler',
  clinical: 'clinician',
  telemetry: 'clinician',
  administer: 'admin',
};

/**
 * Every API route, keyed `METHOD /api/path` (the FHIR API `METHOD /fhir/path`) as Nest declares it. The server refuses to start when a route has
 * no row here, and the permission test walks every row for every role: add the row with the route.
 */
export const ROUTE_PERMISSIONS = {
  'GET /api/health': 'public',
  'GET /api/health/ready': 'public',

  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'authenticated',
  'GET /api/auth/me': 'authenticated',
  'POST /api/auth/password': 'authenticated',

  'POST /api/users': 'administer',
  'GET /api/users': 'administer',
  'POST /api/users/:id/password': 'administer',
  // Users (issue 16): deactivation ends every session and socket of the account at once; a role is set per clinic.
  'POST /api/users/:id/deactivate': 'administer',
  'POST /api/users/:id/reactivate': 'administer',
  'PUT /api/users/:id/clinic-roles/:clinicId': 'administer',

  'POST /api/machine-tokens': 'administer',
  'GET /api/machine-tokens': 'administer',
  'POST /api/machine-tokens/:id/revoke': 'administer',

  'GET /api/audit': 'administer',

  'POST /api/clinics': 'platform',
  'GET /api/clinics': 'authenticated',
  'GET /api/clinics/:id/settings': 'read',
  'PATCH /api/clinics/:id/settings': 'administer',

  'POST /api/patients': 'clinical',
  'GET /api/patients': 'read',
  'GET /api/patients/:id': 'read',
  'GET /api/patients/:id/pumps': 'read',

  'POST /api/pumps': 'clinical',
  'GET /api/pumps': 'read',
  'GET /api/pumps/:id': 'read',
  'GET /api/pumps/:id/fleet-row': 'read',
  'POST /api/pumps/:id/fills': 'clinical',
  'GET /api/pumps/:id/fills': 'read',
  'POST /api/pumps/:id/programs': 'clinical',
  'GET /api/pumps/:id/programs': 'read',
  'GET /api/pumps/:id/forecast': 'read',

  // Telemetry (issue 4)
  'POST /api/telemetry': 'telemetry',
  'GET /api/pumps/:id/telemetry': 'read',
  'GET /api/pumps/:id/reconciliations': 'read',
  'POST /api/pumps/:id/events': 'clinical',
  'GET /api/pumps/:id/events': 'read',
  'POST /api/pumps/:id/events/:eventId/clear': 'clinical',

  // Alerts (issue 5). Snoozing needs only 'read': it hides an alert from the caller alone and changes nothing others see.
  'GET /api/alerts': 'read',
  'GET /api/alerts/:id': 'read',
  'POST /api/alerts/:id/acknowledge': 'clinical',
  'POST /api/alerts/:id/resolve': 'clinical',
  'POST /api/alerts/:id/snooze': 'read',
  'PATCH /api/patients/:id': 'clinical',

  // Clinicians and on-call (issue 5)
  'POST /api/clinicians': 'administer',
  'GET /api/clinicians': 'read',
  'GET /api/clinicians/:id': 'read',
  'PATCH /api/clinicians/:id': 'administer',
  'POST /api/on-call-shifts': 'clinical',
  'GET /api/on-call-shifts': 'read',
  'POST /api/on-call-shifts/:id/cancel': 'clinical',
  'GET /api/clinics/:id/on-call-now': 'read',
  'GET /api/clinics/:id/escalation-policy': 'read',
  'PUT /api/clinics/:id/escalation-policy': 'administer',

  // Paging and escalation (issue 5). The acknowledge link is public: its single-use token is the credential; GET only shows a
  // confirmation page (link previewers fetch GET), the POST acknowledges.
  'GET /api/alerts/:id/pages': 'read',
  'GET /api/alerts/acknowledge-link': 'public',
  'POST /api/alerts/acknowledge-link': 'public',
  'POST /api/clinics/:id/webhooks': 'administer',
  'GET /api/clinics/:id/webhooks': 'administer',
  'POST /api/clinics/:id/webhooks/:webhookId/disable': 'administer',
  // Notification channels (issue 17): e-mail, PagerDuty, Opsgenie; their secrets are accepted, never answered.
  'POST /api/clinics/:id/notification-channels': 'administer',
  'GET /api/clinics/:id/notification-channels': 'administer',
  'PATCH /api/clinics/:id/notification-channels/:channelId': 'administer',
  'DELETE /api/clinics/:id/notification-channels/:channelId': 'administer',

  // Refill scheduling (issue 6). Completing a refill records a fill: clinical. The iCalendar feed is public: its token is the credential.
  'GET /api/clinicians/:id/availability': 'read',
  'PUT /api/clinicians/:id/availability': 'schedule',
  'GET /api/clinicians/:id/free-slots': 'read',
  'POST /api/rooms': 'schedule',
  'GET /api/rooms': 'read',
  'GET /api/pumps/:id/refill-slots': 'read',
  // Clinic closures (issue 16): holidays no slot is offered on; kept by whoever schedules, as rooms and availability are.
  'GET /api/clinics/:id/closures': 'read',
  'POST /api/clinics/:id/closures': 'schedule',
  'DELETE /api/clinics/:id/closures/:closureId': 'schedule',
  'POST /api/appointments': 'schedule',
  'GET /api/appointments': 'read',
  'GET /api/appointments/:id': 'read',
  'PATCH /api/appointments/:id': 'schedule',
  'POST /api/appointments/:id/cancel': 'schedule',
  'POST /api/appointments/:id/no-show': 'schedule',
  'POST /api/appointments/:id/complete': 'clinical',
  'GET /api/appointments/:id/worksheet': 'read',
  'POST /api/refill-plan': 'schedule',
  'POST /api/refill-plan/confirm': 'schedule',
  'GET /api/clinics/:id/fleet.csv': 'read',
  'GET /api/calendar.ics': 'public',
  'POST /api/calendar-feeds': 'administer',
  'GET /api/calendar-feeds': 'administer',
  'POST /api/calendar-feeds/:id/revoke': 'administer',

  // Clinical safety (issue 7): clinicians record labs, side effects, check-ups and taper plans; staff read them.
  'POST /api/patients/:id/labs': 'clinical',
  'GET /api/patients/:id/labs': 'read',
  'POST /api/patients/:id/side-effects': 'clinical',
  'GET /api/patients/:id/side-effects': 'read',
  'POST /api/patients/:id/check-ups': 'clinical',
  'GET /api/patients/:id/check-ups': 'read',
  'POST /api/patients/:id/taper-plans': 'clinical',
  'GET /api/patients/:id/taper-plans': 'read',
  'POST /api/patients/:id/taper-plans/:planId/end': 'clinical',
  'GET /api/patients/:id/clinical-summary': 'read',
  'GET /api/clinics/:id/clinical-safety-settings': 'read',
  'PUT /api/clinics/:id/clinical-safety-settings': 'administer',
  'GET /api/clinics/:id/drug-library': 'read',
  'PUT /api/clinics/:id/drug-library': 'administer',
  // Spreadsheet import (issue 17): patients, pumps, fills and programs are clinical writes; the template goes with them.
  'POST /api/clinics/:id/imports': 'clinical',
  'POST /api/clinics/:id/imports/:importId/confirm': 'clinical',
  'GET /api/imports/template.csv': 'clinical',

  // FHIR R4 for the hospital record (issue 17), served under /fhir, not /api: read-only, so whoever reads patients reads it
  // ('read', clinic-scoped as the REST API). The CapabilityStatement holds no patient data and is public, as FHIR servers allow.
  'GET /fhir/metadata': 'public',
  'GET /fhir/:resourceType': 'read',
  'GET /fhir/:resourceType/:id': 'read',
} as const satisfies Record<string, Capability>;
export type RouteKey = keyof typeof ROUTE_PERMISSIONS;

/** Routes a user whose password must be changed may still call: everything else answers 403 until it is changed. */
export const ROUTES_BEFORE_PASSWORD_CHANGE: readonly RouteKey[] = ['GET /api/auth/me', 'POST /api/auth/password', 'POST /api/auth/logout'];

export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/** Whether `role` holds a clinic-scoped capability (public/authenticated need no role; platform is not a clinic role). */
export function roleHolds(role: ClinicRole, capability: Capability): boolean {
  if (capability === 'public' || capability === 'authenticated') return true;
  if (capability === 'platform') return false;
  return CLINIC_ROLES.indexOf(role) >= CLINIC_ROLES.indexOf(LOWEST_ROLE_FOR[capability]);
}

/** Who is asking, as the permission rules see it. */
export interface AccessSubject {
  /** Administers every clinic, including clinics created later (the first administrator). */
  administersAllClinics: boolean;
  clinicRoles: readonly { clinicId: string; role: ClinicRole }[];
}

/** Whether the subject may use `capability` in `clinicId` (or, without a clinic, in at least one of its clinics). */
export function mayUse(subject: AccessSubject, capability: Capability, clinicId?: string): boolean {
  if (capability === 'public' || capability === 'authenticated') return true;
  if (subject.administersAllClinics) return true;
  if (capability === 'platform') return false;
  return subject.clinicRoles.some((r) => (clinicId === undefined || r.clinicId === clinicId) && roleHolds(r.role, capability));
}

/** Whether the subject sees the clinic at all (any role there). Records of other clinics answer 404. */
export function seesClinic(subject: AccessSubject, clinicId: string): boolean {
  return subject.administersAllClinics || subject.clinicRoles.some((r) => r.clinicId === clinicId);
}
