// Typed calls of the clinicians, on-call roster, escalation policy and webhook API (issue 5), on the dashboard's API client.
import type {
  Clinician,
  CreateClinicianRequest,
  CreateNotificationChannelRequest,
  CreatedWebhookEndpoint,
  CreateOnCallShiftRequest,
  CreateWebhookEndpointRequest,
  EscalationPolicy,
  EscalationPolicyRequest,
  NotificationChannel,
  OnCallNow,
  OnCallShift,
  UpdateClinicianRequest,
  WebhookEndpoint,
} from '@pumpwatch/shared';
import { request } from '../../lib/api';

const enc = encodeURIComponent;

export const onCallApi = {
  listClinicians: (clinicId: string, signal?: AbortSignal) =>
    request<Clinician[]>('GET', `/api/clinicians?clinicId=${enc(clinicId)}`, undefined, signal),
  createClinician: (body: CreateClinicianRequest) => request<Clinician>('POST', '/api/clinicians', body),
  updateClinician: (id: string, body: Partial<UpdateClinicianRequest>) => request<Clinician>('PATCH', `/api/clinicians/${enc(id)}`, body),

  /** Shifts of the clinic overlapping [from, to), cancelled ones included (the calendar shows them struck through). */
  listShifts: (clinicId: string, range: { from: string; to: string }, signal?: AbortSignal) =>
    request<OnCallShift[]>(
      'GET',
      `/api/on-call-shifts?clinicId=${enc(clinicId)}&from=${enc(range.from)}&to=${enc(range.to)}&includeCancelled=true`,
      undefined,
      signal,
    ),
  createShift: (body: CreateOnCallShiftRequest) => request<OnCallShift>('POST', '/api/on-call-shifts', body),
  cancelShift: (id: string) => request<OnCallShift>('POST', `/api/on-call-shifts/${enc(id)}/cancel`),
  onCallNow: (clinicId: string, signal?: AbortSignal) =>
    request<OnCallNow>('GET', `/api/clinics/${enc(clinicId)}/on-call-now`, undefined, signal),

  getEscalationPolicy: (clinicId: string, signal?: AbortSignal) =>
    request<EscalationPolicy>('GET', `/api/clinics/${enc(clinicId)}/escalation-policy`, undefined, signal),
  putEscalationPolicy: (clinicId: string, body: EscalationPolicyRequest) =>
    request<EscalationPolicy>('PUT', `/api/clinics/${enc(clinicId)}/escalation-policy`, body),

  listWebhooks: (clinicId: string, signal?: AbortSignal) =>
    request<WebhookEndpoint[]>('GET', `/api/clinics/${enc(clinicId)}/webhooks`, undefined, signal),
  createWebhook: (clinicId: string, body: CreateWebhookEndpointRequest) =>
    request<CreatedWebhookEndpoint>('POST', `/api/clinics/${enc(clinicId)}/webhooks`, body),
  disableWebhook: (clinicId: string, webhookId: string) =>
    request<WebhookEndpoint>('POST', `/api/clinics/${enc(clinicId)}/webhooks/${enc(webhookId)}/disable`),

  // Notification channels (issue 17): e-mail, PagerDuty, Opsgenie.
  listChannels: (clinicId: string, signal?: AbortSignal) =>
    request<NotificationChannel[]>('GET', `/api/clinics/${enc(clinicId)}/notification-channels`, undefined, signal),
  createChannel: (clinicId: string, body: CreateNotificationChannelRequest) =>
    request<NotificationChannel>('POST', `/api/clinics/${enc(clinicId)}/notification-channels`, body),
  disableChannel: (clinicId: string, channelId: string) =>
    request<NotificationChannel>('DELETE', `/api/clinics/${enc(clinicId)}/notification-channels/${enc(channelId)}`),
};
