// Users page (/admin/users): who may sign in and in which role per clinic; add a user, reset a forgotten password.
import { useState, type FormEvent } from 'react';
import { CLINIC_ROLES, createUserSchema, MIN_PASSWORD_LENGTH, resetPasswordSchema, type Clinic, type ClinicRole, type CreateUserRequest, type User } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { formatLocalDate } from '../../lib/format';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { useSession } from '../auth/session-store';
import { canUseRoute } from '../auth/use-can';
import { describeRoles, ROLE_LABEL } from '../auth/role-labels';
import { useClinics } from '../clinics/use-clinics';
import { useLoaded } from './use-loaded';
import { FormActions } from '../../components/form-actions';

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const CREATE_SHOWN = ['email', 'displayName', 'password', 'clinicRoles', 'clinicRoles.0', 'clinicRoles.0.clinicId', 'clinicRoles.0.role', 'administersAllClinics'];

function CreateUserForm({ clinics, mayGrantAllClinics, onCreated }: { clinics: Clinic[]; mayGrantAllClinics: boolean; onCreated: (user: User) => void }) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [clinicId, setClinicId] = useState('');
  const [role, setRole] = useState<ClinicRole>('staff');
  const [allClinics, setAllClinics] = useState(false);
  const { errors, message, busy, refuse, send } = useFormSubmission();
  const chosenClinic = clinicId || (clinics.length === 1 ? clinics[0].id : '');

  async function submit(e: FormEvent) {
    e.preventDefault();
    const request: CreateUserRequest = {
      email,
      displayName,
      password,
      clinicRoles: chosenClinic ? [{ clinicId: chosenClinic, role }] : [],
      administersAllClinics: mayGrantAllClinics ? allClinics : false,
    };
    const checked = validate(createUserSchema, request);
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      const created = await api.createUser(request);
      setEmail('');
      setDisplayName('');
      setPassword('');
      setAllClinics(false);
      onCreated(created);
    });
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="create-user-form" aria-labelledby="create-user-title">
      <h2 id="create-user-title">Add a user</h2>
      <FormErrorSummary message={message} fields={errors} shown={CREATE_SHOWN} />
      <div className="form__grid">
        <FormField label="Email" name="email" error={errors.email}>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
        </FormField>
        <FormField label="Display name" name="displayName" error={errors.displayName} hint="as colleagues know them, e.g. Dr A. Martin">
          <input type="text" value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="off" />
        </FormField>
        <FormField label="Initial password" name="password" error={errors.password} hint={`at least ${MIN_PASSWORD_LENGTH} characters; they must change it at first sign-in`}>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
        </FormField>
        <FormField label="Clinic" name="clinicRoles.0.clinicId" error={errors['clinicRoles.0.clinicId'] ?? errors['clinicRoles.0'] ?? errors.clinicRoles}>
          <select value={chosenClinic} onChange={(e) => setClinicId(e.target.value)} data-testid="create-user-clinic">
            {clinics.length !== 1 && <option value="">{allClinics ? '— none —' : '— choose a clinic —'}</option>}
            {clinics.map((c) => (
              <option key={c.id} value={c.id}>{c.name}</option>
            ))}
          </select>
        </FormField>
        <FormField label="Role in that clinic" name="clinicRoles.0.role" error={errors['clinicRoles.0.role']} hint="each role holds everything of the roles before it">
          <select value={role} onChange={(e) => setRole(e.target.value as ClinicRole)} data-testid="create-user-role">
            {CLINIC_ROLES.map((r) => (
              <option key={r} value={r}>{ROLE_LABEL[r]}</option>
            ))}
          </select>
        </FormField>
        {mayGrantAllClinics && (
          <FormField label="Administrator of every clinic" name="administersAllClinics" error={errors.administersAllClinics} hint="including clinics added later">
            <input type="checkbox" checked={allClinics} onChange={(e) => setAllClinics(e.target.checked)} />
          </FormField>
        )}
      </div>
      <FormActions busy={busy} label="Add user" testId="submit-user" />
    </form>
  );
}

function ResetPasswordForm({ user, onDone, onCancel }: { user: User; onDone: (user: User) => void; onCancel: () => void }) {
  const [password, setPassword] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(resetPasswordSchema, { password });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => onDone(await api.resetUserPassword(user.id, checked.value)));
  }

  return (
    <form className="form form--inline" onSubmit={submit} noValidate data-testid="reset-password-form" aria-label={`Reset the password of ${user.displayName}`}>
      <FormErrorSummary message={message} fields={errors} shown={['password']} />
      <FormField label={`New password for ${user.displayName}`} name="password" error={errors.password} hint={`at least ${MIN_PASSWORD_LENGTH} characters; they must change it at next sign-in`}>
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" autoFocus />
      </FormField>
      <FormActions busy={busy} label="Set password" testId="submit-reset-password" onCancel={onCancel} />
    </form>
  );
}

export function UsersPage() {
  const { user: me } = useSession();
  const users = useLoaded('users', (signal) => api.listUsers(signal));
  const { clinics, error: clinicsError } = useClinics(me?.id);
  const [resetting, setResetting] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // New users may only be given roles in clinics this administrator administers.
  const administered = clinics.filter((c) => canUseRoute(me, 'POST /api/users', c.id));
  const rows = [...(users.data ?? [])].sort((a, b) => a.displayName.localeCompare(b.displayName));

  return (
    <section aria-labelledby="users-title">
      <title>Users — PumpWatch</title>
      <h1 id="users-title">Users</h1>
      {done && <p className="notice notice--ok" role="status" data-testid="users-done">✓ {done}</p>}
      {(users.error || clinicsError) && (
        <p className="notice notice--error" role="alert">Could not load the users: {users.error ?? clinicsError}</p>
      )}
      <div className="table-wrap">
        <table data-testid="users-table" aria-busy={users.loading}>
          <caption className="visually-hidden">Users who may sign in, with their roles</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Roles</th>
              <th scope="col">Password</th>
              <th scope="col">Added</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((u) => (
              <tr key={u.id} data-testid="user-row" data-user-email={u.email}>
                <td>{u.displayName}</td>
                <td>{u.email}</td>
                <td>{describeRoles(u, clinics).join(', ')}</td>
                <td>{u.mustChangePassword ? <span className="reason">must change at next sign-in</span> : 'set by the user'}</td>
                <td>{formatLocalDate(u.createdAt, BROWSER_ZONE)}</td>
                <td>
                  {resetting === u.id ? (
                    <ResetPasswordForm
                      user={u}
                      onCancel={() => setResetting(null)}
                      onDone={(changed) => {
                        setResetting(null);
                        setDone(`Password of ${changed.displayName} reset; they must change it at their next sign-in.`);
                        users.reload();
                      }}
                    />
                  ) : (
                    // Only an administrator of every clinic may reset the password of one (the server refuses anyone else).
                    u.id !== me?.id && (!u.administersAllClinics || me?.administersAllClinics) && (
                      <button type="button" className="button button--quiet" onClick={() => { setDone(null); setResetting(u.id); }} data-testid="open-reset-password">
                        Reset password<span className="visually-hidden"> of {u.displayName}</span>
                      </button>
                    )
                  )}
                </td>
              </tr>
            ))}
            {users.data && rows.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">No users yet.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <CreateUserForm
        clinics={administered}
        mayGrantAllClinics={me?.administersAllClinics ?? false}
        onCreated={(created) => {
          setDone(`${created.displayName} added; they must change the initial password at first sign-in.`);
          users.reload();
        }}
      />
    </section>
  );
}
