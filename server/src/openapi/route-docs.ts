// What the OpenAPI document says of each route beyond its schemas: a summary and the shape of its success answer.
import type { ResponseComponentName, RouteKey } from '@pumpwatch/shared';
import { acknowledgeLinkSchema } from '@pumpwatch/shared';
import type { z } from 'zod';

/** The success answer: a named response schema, a list of them, a text document, or nothing (204). */
export type SuccessBody =
  | {
      kind: 'json';
      schema: ResponseComponentName;
      list?: boolean;
      wrappedIn?: string;
      orSchema?: ResponseComponentName;
      contentType?: string;
    }
  | { kind: 'text'; contentType: 'text/csv' | 'text/calendar' | 'text/html'; description: string }
  | { kind: 'none' };

export interface RouteDoc {
  summary: string;
  description?: string;
  success: SuccessBody;
  /** The body schema, for a route that validates its body inside the handler (form or JSON) rather than with a pipe. */
  body?: z.ZodType;
  /** Other success content types the route answers (e.g. an HTML page to a browser form). */
  alsoText?: { contentType: 'text/html'; description: string };
}

const one = (schema: ResponseComponentName): SuccessBody => ({ kind: 'json', schema });
const list = (schema: ResponseComponentName): SuccessBody => ({ kind: 'json', schema, list: true });
const text = (contentType: 'text/csv' | 'text/calendar' | 'text/html', description: string): SuccessBody => ({
  kind: 'text',
  contentType,
  description,
});

const fhir: SuccessBody = { kind: 'json', schema: 'FhirResource', contentType: 'application/fhir+json' };

/**
 * Every route of the permission table this generator knows. A route missing here (added since) still gets a summary made from its
 * path and the error answers; the OpenAPI test then names it, so its row is added here with its success schema.
 */
export const ROUTE_DOCS: Partial<Record<RouteKey, RouteDoc>> = {
  'GET /api/health': { summary: 'Liveness and database status', success: one('HealthReport') },
  'GET /api/health/ready': { summary: 'Readiness: database, migrations, LISTEN connection', success: one('Readiness') },

  'POST /api/auth/login': {
    summary: 'Sign in: sets the session cookie and answers the bearer token',
    description:
      'Also answers `csrfToken`: writes made with the session cookie repeat it in `x-csrf-token`. 5 failures lock the account 15 minutes (429 with Retry-After).',
    success: one('LoginResponse'),
  },
  'POST /api/auth/logout': { summary: 'Sign out: ends the session', success: { kind: 'none' } },
  'GET /api/auth/me': { summary: 'The signed-in user and session', success: one('Session') },
  'POST /api/auth/password': { summary: 'Change my password', success: one('Session') },

  'POST /api/users': { summary: 'Create a user with clinic roles (initial password to change at first sign-in)', success: one('User') },
  'GET /api/users': { summary: 'List users of the clinics I administer', success: list('User') },
  'POST /api/users/:id/password': {
    summary: "Reset a user's password (drawn and shown once when none is given)",
    success: one('ResetPasswordResponse'),
  },
  'POST /api/users/:id/deactivate': { summary: 'Deactivate a user: every session and socket ends at once', success: one('User') },
  'POST /api/users/:id/reactivate': { summary: 'Reactivate a user', success: one('User') },
  'PUT /api/users/:id/clinic-roles/:clinicId': { summary: "Set a user's role in one clinic", success: one('User') },

  'POST /api/machine-tokens': { summary: 'Create a gateway machine token (secret shown once)', success: one('CreatedMachineToken') },
  'GET /api/machine-tokens': { summary: 'List machine tokens', success: list('MachineToken') },
  'POST /api/machine-tokens/:id/revoke': { summary: 'Revoke a machine token', success: one('MachineToken') },

  'GET /api/audit': { summary: 'Audit trail, newest first, filtered and paged', success: list('AuditEntry') },

  'POST /api/clinics': { summary: 'Create a clinic', success: one('Clinic') },
  'GET /api/clinics': { summary: 'List the clinics I see', success: list('Clinic') },
  'GET /api/clinics/:id/settings': {
    summary: 'Clinic settings (alert horizon, booking margin, telemetry tolerances)',
    success: one('ClinicSettings'),
  },
  'PATCH /api/clinics/:id/settings': { summary: 'Change clinic settings', success: one('ClinicSettings') },

  'POST /api/patients': { summary: 'Add a patient', success: one('Patient') },
  'GET /api/patients': { summary: 'List patients (text search on name and MRN)', success: list('Patient') },
  'GET /api/patients/:id': { summary: 'One patient', success: one('Patient') },
  'GET /api/patients/:id/pumps': { summary: "The patient's pumps, implanted and explanted", success: list('Pump') },
  'PATCH /api/patients/:id': {
    summary: 'Edit a patient (identity, weight, height, withdrawal risk factors, spasticity origin)',
    success: one('Patient'),
  },

  'POST /api/pumps': { summary: "Register an implanted pump (optionally replacing the patient's active one)", success: one('Pump') },
  'GET /api/pumps': {
    summary: 'The fleet: every active pump with urgency and refill deadline',
    description:
      'Without `limit`: the bare FleetPump[]; with `limit` or `cursor`: one FleetPage. Header `x-last-event-id`: resume the socket from it.',
    success: { kind: 'json', schema: 'FleetPump', list: true, orSchema: 'FleetPage' },
  },
  'GET /api/pumps/:id': {
    summary: 'Pump page: pump, patient, clinic, fills, programs, forecast and telemetry',
    success: one('PumpDetail'),
  },
  'GET /api/pumps/:id/fleet-row': { summary: "The pump's fleet row", success: one('FleetPump') },
  'POST /api/pumps/:id/fills': { summary: 'Record a refill (drug, concentration, volume, aspirated residual)', success: one('Fill') },
  'GET /api/pumps/:id/fills': { summary: "The pump's fills, oldest first", success: list('Fill') },
  'POST /api/pumps/:id/programs': {
    summary: 'Record a new program (day-part steps, periodic and patient boluses)',
    success: one('Program'),
  },
  'GET /api/pumps/:id/programs': { summary: "The pump's programs, oldest first", success: list('Program') },
  'GET /api/pumps/:id/forecast': {
    summary: 'Refill forecast: low-reservoir alarm, empty time and refill deadline',
    success: one('PumpForecast'),
  },

  'POST /api/telemetry': { summary: 'Upload a batch of pump readings (gateway token or clinician)', success: one('TelemetryIngestResult') },
  'GET /api/pumps/:id/telemetry': { summary: "The pump's telemetry readings in a time range", success: one('PumpTelemetryReadings') },
  'GET /api/pumps/:id/reconciliations': {
    summary: "Reservoir reconciliations of the pump's refills, with their trend",
    success: one('PumpReconciliations'),
  },
  'POST /api/pumps/:id/events': { summary: 'Record a pump event (an MRI)', success: one('PumpEvent') },
  'GET /api/pumps/:id/events': { summary: "The pump's events", success: list('PumpEvent') },
  'POST /api/pumps/:id/events/:eventId/clear': { summary: 'Clear a pump event (post-MRI pump check done)', success: one('PumpEvent') },

  'GET /api/alerts': {
    summary: 'Alerts, most severe first, filtered and paged',
    description: 'Headers: `x-last-event-id`, `x-total-count`, `x-severity-counts`, `x-next-cursor`.',
    success: list('Alert'),
  },
  'GET /api/alerts/:id': { summary: 'One alert with its history', success: one('AlertDetail') },
  'POST /api/alerts/:id/acknowledge': { summary: 'Acknowledge an alert (stops its paging)', success: one('Alert') },
  'POST /api/alerts/:id/resolve': { summary: 'Resolve an alert', success: one('Alert') },
  'POST /api/alerts/:id/snooze': { summary: 'Snooze an alert for me alone', success: one('Alert') },

  'POST /api/clinicians': { summary: 'Add a clinician', success: one('Clinician') },
  'GET /api/clinicians': { summary: 'List clinicians', success: list('Clinician') },
  'GET /api/clinicians/:id': { summary: 'One clinician', success: one('Clinician') },
  'PATCH /api/clinicians/:id': { summary: 'Edit or deactivate a clinician', success: one('Clinician') },
  'POST /api/on-call-shifts': { summary: 'Add an on-call shift (primary or backup)', success: one('OnCallShift') },
  'GET /api/on-call-shifts': { summary: 'The on-call roster in a time range', success: list('OnCallShift') },
  'POST /api/on-call-shifts/:id/cancel': { summary: 'Cancel an on-call shift', success: one('OnCallShift') },
  'GET /api/clinics/:id/on-call-now': { summary: 'Who is on call now (or no one)', success: one('OnCallNow') },
  'GET /api/clinics/:id/escalation-policy': { summary: "The clinic's escalation policy", success: one('EscalationPolicy') },
  'PUT /api/clinics/:id/escalation-policy': { summary: "Replace the clinic's escalation policy", success: one('EscalationPolicy') },

  'GET /api/alerts/:id/pages': { summary: 'Pages sent for an alert and its escalation state', success: one('AlertPages') },
  'GET /api/alerts/acknowledge-link': {
    summary: 'Confirmation page of an acknowledge link (acknowledges nothing)',
    success: text('text/html', 'a page with a button that POSTs the token'),
  },
  'POST /api/alerts/acknowledge-link': {
    summary: 'Acknowledge an alert from a paged link (its single-use token is the credential)',
    description: 'JSON answers AcknowledgeLinkResult; a browser form (application/x-www-form-urlencoded) gets an HTML page.',
    success: one('AcknowledgeLinkResult'),
    body: acknowledgeLinkSchema,
    alsoText: { contentType: 'text/html', description: 'the result page, to a browser form' },
  },
  'POST /api/clinics/:id/webhooks': { summary: 'Add a paging webhook (signing secret shown once)', success: one('CreatedWebhookEndpoint') },
  'GET /api/clinics/:id/webhooks': { summary: "List the clinic's paging webhooks", success: list('WebhookEndpoint') },
  'POST /api/clinics/:id/webhooks/:webhookId/disable': { summary: 'Disable a paging webhook', success: one('WebhookEndpoint') },
  'POST /api/clinics/:id/notification-channels': {
    summary: 'Add an e-mail, PagerDuty or Opsgenie channel for escalation levels (secret never answered)',
    success: one('NotificationChannel'),
  },
  'GET /api/clinics/:id/notification-channels': {
    summary: "List the clinic's notification channels",
    success: list('NotificationChannel'),
  },
  'PATCH /api/clinics/:id/notification-channels/:channelId': {
    summary: 'Change a notification channel (name, levels, SMTP settings, or replace its secret)',
    success: one('NotificationChannel'),
  },
  'DELETE /api/clinics/:id/notification-channels/:channelId': {
    summary: 'Disable a notification channel',
    success: one('NotificationChannel'),
  },

  'GET /api/clinicians/:id/availability': {
    summary: "A clinician's weekly sessions and dated exceptions",
    success: one('ClinicianAvailability'),
  },
  'PUT /api/clinicians/:id/availability': { summary: "Replace a clinician's availability", success: one('ClinicianAvailability') },
  'GET /api/clinicians/:id/free-slots': { summary: "A clinician's free refill slots in a range", success: list('FreeSlot') },
  'POST /api/rooms': { summary: 'Add a refill room', success: one('Room') },
  'GET /api/rooms': { summary: 'List refill rooms', success: list('Room') },
  'GET /api/pumps/:id/refill-slots': { summary: 'Free refill slots for a pump, ranked against its deadline', success: one('RefillSlots') },
  'POST /api/appointments': { summary: 'Book a refill appointment', success: one('Appointment') },
  'GET /api/appointments': { summary: 'List appointments', success: list('Appointment') },
  'GET /api/appointments/:id': { summary: 'One appointment', success: one('Appointment') },
  'PATCH /api/appointments/:id': { summary: 'Move an appointment (time, clinician, room)', success: one('Appointment') },
  'POST /api/appointments/:id/cancel': { summary: 'Cancel an appointment', success: one('Appointment') },
  'POST /api/appointments/:id/no-show': { summary: 'Mark an appointment missed', success: one('Appointment') },
  'POST /api/appointments/:id/complete': { summary: 'Complete an appointment: records its refill', success: one('Appointment') },
  'GET /api/appointments/:id/worksheet': { summary: 'Printable refill worksheet', success: text('text/html', 'the worksheet page') },
  'POST /api/refill-plan': {
    summary: "Propose refill bookings for the clinic's pumps (books nothing)",
    success: one('RefillPlanProposal'),
  },
  'POST /api/refill-plan/confirm': {
    summary: 'Book the chosen proposals',
    success: { kind: 'json', schema: 'Appointment', list: true, wrappedIn: 'booked' },
  },
  'GET /api/clinics/:id/closures': {
    summary: "The clinic's closures (holidays): no slot offered, no booking taken",
    success: list('ClinicClosure'),
  },
  'POST /api/clinics/:id/closures': { summary: 'Close the clinic on a range of local dates', success: one('ClinicClosure') },
  'DELETE /api/clinics/:id/closures/:closureId': { summary: 'Remove a clinic closure', success: one('ClinicClosure') },
  'GET /api/clinics/:id/fleet.csv': { summary: 'The fleet as CSV (UTC instants)', success: text('text/csv', 'one row per active pump') },
  'GET /api/calendar.ics': {
    summary: "A clinician's appointments as iCalendar (its token is the credential)",
    success: text('text/calendar', "the clinician's refill appointments"),
  },
  'POST /api/calendar-feeds': { summary: 'Create a calendar feed (token shown once)', success: one('CreatedCalendarFeed') },
  'GET /api/calendar-feeds': { summary: 'List calendar feeds', success: list('CalendarFeed') },
  'POST /api/calendar-feeds/:id/revoke': { summary: 'Revoke a calendar feed', success: one('CalendarFeed') },

  'POST /api/patients/:id/labs': { summary: 'Record a serum creatinine (clearance and eGFR computed)', success: one('LabResult') },
  'GET /api/patients/:id/labs': { summary: "The patient's lab results", success: list('LabResult') },
  'POST /api/patients/:id/side-effects': { summary: 'Report a side effect', success: one('SideEffectReport') },
  'GET /api/patients/:id/side-effects': { summary: "The patient's side-effect reports", success: list('SideEffectReport') },
  'POST /api/patients/:id/check-ups': { summary: 'Record a check-up (modified Ashworth, patient rating)', success: one('CheckUp') },
  'GET /api/patients/:id/check-ups': { summary: "The patient's check-ups", success: list('CheckUp') },
  'POST /api/patients/:id/taper-plans': {
    summary: 'Plan a drug holiday (taper, oral bridge, re-introduction)',
    success: one('TaperPlanRecord'),
  },
  'GET /api/patients/:id/taper-plans': { summary: "The patient's taper plans", success: list('TaperPlanRecord') },
  'POST /api/patients/:id/taper-plans/:planId/end': {
    summary: 'End a taper plan (completed or cancelled)',
    success: one('TaperPlanRecord'),
  },
  'GET /api/patients/:id/clinical-summary': {
    summary: 'Clinical summary: kidney trend, neurotoxicity, dose history, taper, reviews',
    success: one('ClinicalSummary'),
  },
  'GET /api/clinics/:id/clinical-safety-settings': {
    summary: 'Clinical-safety settings (labs and review intervals, dose-cut limit)',
    success: one('ClinicalSafetySettings'),
  },
  'PUT /api/clinics/:id/clinical-safety-settings': { summary: 'Change clinical-safety settings', success: one('ClinicalSafetySettings') },
  'GET /api/clinics/:id/drug-library': { summary: "The clinic's drug library (soft and hard limits)", success: one('ClinicDrugLibrary') },
  'PUT /api/clinics/:id/drug-library': {
    summary: "Edit the clinic's drug library within the code's hard limits",
    success: one('ClinicDrugLibrary'),
  },

  'POST /api/clinics/:id/imports': {
    summary: 'Dry-run a spreadsheet import (CSV or XLSX) of patients, pumps, fills and programs: writes nothing',
    success: one('ImportDryRun'),
  },
  'POST /api/clinics/:id/imports/:importId/confirm': {
    summary: 'Write every accepted row of a dry run, all or none',
    success: one('ImportConfirmation'),
  },
  'GET /api/imports/template.csv': {
    summary: 'The import template: the columns and one example row',
    success: text('text/csv', 'the header and one example row'),
  },

  // FHIR R4 (read-only), at its own base /fhir: the resources' own schemas are HL7's; GET /fhir/metadata lists what is served.
  'GET /fhir/metadata': { summary: 'FHIR CapabilityStatement: the resources and searches served', success: fhir },
  'GET /fhir/:resourceType': { summary: 'FHIR search: a Bundle of the resources of one type', success: fhir },
  'GET /fhir/:resourceType/:id': { summary: 'FHIR read: one resource', success: fhir },
};

/** A summary for a route this file does not know yet: its method and path in words ("POST /api/x/:id/y" -> "Post x y"). */
export function fallbackSummary(method: string, path: string): string {
  const words = path
    .replace(/^\/api\//, '')
    .split('/')
    .filter((s) => !s.startsWith(':') && !s.startsWith('{'))
    .join(' ')
    .replace(/[-_.]/g, ' ');
  const verb = { GET: 'Read', POST: 'Create or run', PUT: 'Replace', PATCH: 'Change', DELETE: 'Delete' }[method.toUpperCase()] ?? method;
  return `${verb} ${words}`.trim();
}
