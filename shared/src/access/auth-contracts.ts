// Sign-in, users, machine tokens and audit: request schemas and response shapes shared by the API and the dashboard.
import { z } from 'zod';
import { isoInstant } from '../contracts';
import { clinicText, identifier } from '../text-fields';
import { CLINIC_ROLES, ClinicRole } from './permissions';

/** The dashboard's httpOnly session cookie; API clients send `Authorization: Bearer <accessToken>` instead. */
export const SESSION_COOKIE = 'pumpwatch_session';
/** Writes authenticated by the session cookie must repeat the session's anti-CSRF token in this header. */
export const CSRF_HEADER = 'x-csrf-token';
/** Shortest password accepted (NIST SP 800-63B: at least 8; 12 for accounts holding health data). */
export const MIN_PASSWORD_LENGTH = 12;

const uuid = z.uuid({ message: 'must be a UUID' });
const email = identifier(254)
  .toLowerCase()
  .pipe(z.email({ message: 'must be an email address' }))
  .pipe(z.string().max(254));
const newPassword = clinicText(256, { trim: false })
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256, 'must be at most 256 characters');

export const loginSchema = z.object({
  email,
  password: clinicText(256, { trim: false, min: 1 }),
});
export type LoginRequest = z.infer<typeof loginSchema>;

export const changePasswordSchema = z.object({
  currentPassword: clinicText(256, { trim: false, min: 1 }),
  newPassword,
});
export type ChangePasswordRequest = z.infer<typeof changePasswordSchema>;

export const clinicRoleSchema = z.object({
  clinicId: uuid,
  role: z.enum(CLINIC_ROLES, { message: `must be one of ${CLINIC_ROLES.join(', ')}` }),
});

export const createUserSchema = z
  .object({
    email,
    displayName: clinicText(200, { min: 1 }),
    /** Initial password: the user must change it at first sign-in. */
    password: newPassword,
    clinicRoles: z.array(clinicRoleSchema).max(100).default([]),
    /** Only the administrator of every clinic may grant this. */
    administersAllClinics: z.boolean().default(false),
  })
  .refine((u) => u.administersAllClinics || u.clinicRoles.length > 0, {
    message: 'must name at least one clinic role',
    path: ['clinicRoles'],
  })
  .refine((u) => new Set(u.clinicRoles.map((r) => r.clinicId)).size === u.clinicRoles.length, {
    message: 'must name each clinic once',
    path: ['clinicRoles'],
  });
export type CreateUserRequest = z.input<typeof createUserSchema>;

/** Without `password`, the server draws a random initial password and answers it once (`initialPassword`). */
export const resetPasswordSchema = z.object({ password: newPassword.optional() });
export type ResetPasswordRequest = z.infer<typeof resetPasswordSchema>;

/** PUT /api/users/:id/clinic-roles/:clinicId: the user's role in that clinic from their next request on. */
export const setClinicRoleSchema = z.object({ role: clinicRoleSchema.shape.role });
export type SetClinicRoleRequest = z.infer<typeof setClinicRoleSchema>;

export const createMachineTokenSchema = z.object({
  clinicId: uuid,
  name: clinicText(200, { min: 1 }),
});
export type CreateMachineTokenRequest = z.infer<typeof createMachineTokenSchema>;

export const auditQuerySchema = z.object({
  entityType: identifier(64).optional(),
  entityId: identifier(64).optional(),
  userId: uuid.optional(),
  clinicId: uuid.optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  /** Entries with an id below this one (the next page). */
  beforeId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(200),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

// ---- Response shapes ----

export interface User {
  id: string;
  email: string;
  displayName: string;
  administersAllClinics: boolean;
  /** True until the user replaces an initial or reset password; until then only me, password and logout answer. */
  mustChangePassword: boolean;
  clinicRoles: { clinicId: string; role: ClinicRole }[];
  createdAt: string;
  /** Null while the account is active; a deactivated account cannot sign in and has no session. */
  deactivatedAt: string | null;
}

/** Answer of POST /api/users/:id/password: the drawn initial password is shown this once (absent when the administrator typed one). */
export interface ResetPasswordResponse extends User {
  initialPassword?: string;
}

/** POST /api/auth/login and GET /api/auth/me. */
export interface Session {
  accessToken?: string;
  expiresAt: string;
  user: User;
  /** Send back in `x-csrf-token` on writes made with the session cookie. */
  csrfToken: string;
}
export interface LoginResponse extends Session {
  accessToken: string;
}

export interface MachineToken {
  id: string;
  clinicId: string;
  name: string;
  createdAt: string;
  createdByUserId: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}
/** Answer of POST /api/machine-tokens: the secret is shown this once and never stored in clear. */
export interface CreatedMachineToken extends MachineToken {
  token: string;
}

export type AuditActorType = 'user' | 'machine' | 'system';
export interface AuditEntry {
  id: number;
  at: string;
  actorType: AuditActorType;
  actorId: string | null;
  /** Email of the user or name of the machine token at the time of the change. */
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  clinicId: string | null;
  /** Changed fields, before -> after (null before on a creation). Secrets never appear. */
  changes: Record<string, { before: unknown; after: unknown }>;
  requestId: string | null;
  /** What the entity is called now (a patient's name and MRN, a pump's patient and serial), null when it has no name or is gone. */
  entityLabel?: string | null;
  /** Names of the ids among the changed fields, by id (a clinician, a room, a patient). */
  labels?: Record<string, string>;
}
