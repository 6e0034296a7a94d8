// Users page (/admin/users): who may sign in and in which role per clinic; add a user, change a clinic role, reset a forgotten
// password (a drawn initial password shown once), deactivate or reactivate an account.
import { useState, type FormEvent } from 'react';
import {
  CLINIC_ROLES,
  createUserSchema,
  MIN_PASSWORD_LENGTH,
  type Clinic,
  type ClinicRole,
  type CreateUserRequest,
  type User,
} from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { toSubmitFailure, validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { formatLocalDate } from '../../lib/format';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { useSession } from '../auth/session-store';
import { canUseRoute } from '../auth/use-can';
import { describeRoles, ROLE_LABEL } from '../auth/role-labels';
import { useClinics } from '../clinics/use-clinics';
import { useLoaded } from './use-loaded';
import { FormActions } from '../../components/form-actions';
import { ShownOnceSecret } from './shown-once-secret';
import './users.css';

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const CREATE_SHOWN = [
  'email',
  'displayName',
  'password',
  'clinicRoles',
  'clinicRoles.0',
  'clinicRoles.0.clinicId',
  'clinicRoles.0.role',
  'administersAllClinics',
];

function CreateUserForm({
  clinics,
  mayGrantAllClinics,
  onCreated,
}: {
  clinics: Clinic[];
  mayGrantAllClinics: boolean;
  onCreated: (user: User) => void;
}) {
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
        <FormField
          label="Initial password"
          name="password"
          error={errors.password}
          hint={`at least ${MIN_PASSWORD_LENGTH} characters; they must change it at first sign-in`}
        >
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
        </FormField>
        <FormField
          label="Clinic"
          name="clinicRoles.0.clinicId"
          error={errors['clinicRoles.0.clinicId'] ?? errors['clinicRoles.0'] ?? errors.clinicRoles}
        >
          <select value={chosenClinic} onChange={(e) => setClinicId(e.target.value)} data-testid="create-user-clinic">
            {clinics.length !== 1 && <option value="">{allClinics ? '— none —' : '— choose a clinic —'}</option>}
            {clinics.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </FormField>
        <FormField
          label="Role in that clinic"
          name="clinicRoles.0.role"
          error={errors['clinicRoles.0.role']}
          hint="each role holds everything of the roles before it"
        >
          <select value={role} onChange={(e) => setRole(e.target.value as ClinicRole)} data-testid="create-user-role">
            {CLINIC_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </FormField>
        {mayGrantAllClinics && (
          <FormField
            label="Administrator of every clinic"
            name="administersAllClinics"
            error={errors.administersAllClinics}
            hint="including clinics added later"
          >
            <input type="checkbox" checked={allClinics} onChange={(e) => setAllClinics(e.target.checked)} />
          </FormField>
        )}
      </div>
      <FormActions busy={busy} label="Add user" testId="submit-user" />
    </form>
  );
}

/** One action's progress on a user card: busy while the API answers, its refusal in words. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  async function run(action: () => Promise<void>): Promise<void> {
    setBusy(true);
    setFailure(undefined);
    try {
      await action();
    } catch (err) {
      setFailure(toSubmitFailure(err).message);
    } finally {
      setBusy(false);
    }
  }
  return { busy, failure, run };
}

/** The user's role in one clinic: a select and a Change button once another role is chosen; the API refuses demoting a clinic's last administrator. */
function ClinicRoleControl({
  user,
  clinicId,
  clinicName,
  role,
  onChanged,
}: {
  user: User;
  clinicId: string;
  clinicName: string;
  role: ClinicRole;
  onChanged: (message: string) => void;
}) {
  const [chosen, setChosen] = useState<ClinicRole>(role);
  const { busy, failure, run } = useAction();
  const id = `role-${user.id}-${clinicId}`;
  return (
    <div className="user-role" data-testid="user-role" data-clinic-id={clinicId}>
      <label htmlFor={id}>Role in {clinicName}</label>
      <span className="user-role__controls">
        <select id={id} value={chosen} onChange={(e) => setChosen(e.target.value as ClinicRole)} data-testid="user-role-select">
          {CLINIC_ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </select>
        {chosen !== role && (
          <button
            type="button"
            className="button"
            disabled={busy}
            data-testid="user-role-save"
            onClick={() =>
              void run(async () => {
                await api.setUserClinicRole(user.id, clinicId, { role: chosen });
                onChanged(`${user.displayName} is now ${ROLE_LABEL[chosen]} in ${clinicName}, from their next request on.`);
              })
            }
          >
            {busy ? 'Changing…' : 'Change role'}
          </button>
        )}
      </span>
      {failure && (
        <p className="field__error" role="alert" data-testid="user-role-error">
          {failure}
        </p>
      )}
    </div>
  );
}

/** Draws a new initial password (after a confirm step): the user's sessions end and the password is shown here once. */
function ResetPassword({ user, onReset }: { user: User; onReset: (displayName: string, initialPassword: string | undefined) => void }) {
  const [confirming, setConfirming] = useState(false);
  const { busy, failure, run } = useAction();
  return (
    <>
      {!confirming && (
        <button type="button" className="button button--quiet" onClick={() => setConfirming(true)} data-testid="open-reset-password">
          Reset password<span className="visually-hidden"> of {user.displayName}</span>
        </button>
      )}
      {confirming && (
        <span className="confirm" role="group" aria-label={`Confirm resetting the password of ${user.displayName}`}>
          <span className="small">
            A new initial password is drawn; {user.displayName} is signed out everywhere and must change it at next sign-in.
          </span>
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            autoFocus
            data-testid="confirm-reset-password"
            onClick={() =>
              void run(async () => {
                const reset = await api.resetUserPassword(user.id, {});
                setConfirming(false);
                onReset(reset.displayName, reset.initialPassword);
              })
            }
          >
            {busy ? 'Resetting…' : 'Reset password'}
          </button>
          <button type="button" className="button button--quiet" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      )}
      {failure && (
        <p className="field__error" role="alert" data-testid="user-error">
          {failure}
        </p>
      )}
    </>
  );
}

/** Deactivate (after a confirm step: every session and live connection ends at once) or reactivate. */
function ActiveToggle({ user, onChanged }: { user: User; onChanged: (message: string) => void }) {
  const [confirming, setConfirming] = useState(false);
  const { busy, failure, run } = useAction();
  const deactivate = () =>
    run(async () => {
      await api.deactivateUser(user.id);
      setConfirming(false);
      onChanged(`${user.displayName} is deactivated: signed out everywhere, and cannot sign in until reactivated.`);
    });
  const reactivate = () =>
    run(async () => {
      await api.reactivateUser(user.id);
      onChanged(`${user.displayName} is reactivated and may sign in again.`);
    });
  return (
    <>
      {user.deactivatedAt ? (
        <button
          type="button"
          className="button button--quiet"
          disabled={busy}
          onClick={() => void reactivate()}
          data-testid="reactivate-user"
        >
          Reactivate<span className="visually-hidden"> {user.displayName}</span>
        </button>
      ) : !confirming ? (
        <button type="button" className="button button--quiet" onClick={() => setConfirming(true)} data-testid="deactivate-user">
          Deactivate<span className="visually-hidden"> {user.displayName}</span>
        </button>
      ) : (
        <span className="confirm" role="group" aria-label={`Confirm deactivating ${user.displayName}`}>
          <span className="small">
            {user.displayName} is signed out everywhere at once and cannot sign in; their records and audit history stay.
          </span>
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            autoFocus
            onClick={() => void deactivate()}
            data-testid="confirm-deactivate-user"
          >
            {busy ? 'Deactivating…' : 'Deactivate'}
          </button>
          <button type="button" className="button button--quiet" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      )}
      {failure && (
        <p className="field__error" role="alert" data-testid="user-error">
          {failure}
        </p>
      )}
    </>
  );
}

function UserState({ user }: { user: User }) {
  return user.deactivatedAt ? (
    <span className="user-state user-state--off" data-testid="user-state" data-state="deactivated">
      <span aria-hidden="true">⊘ </span>Deactivated<span className="muted"> since {formatLocalDate(user.deactivatedAt, BROWSER_ZONE)}</span>
    </span>
  ) : (
    <span className="user-state user-state--ok" data-testid="user-state" data-state="active">
      <span aria-hidden="true">✓ </span>Active
    </span>
  );
}

function UserCard({
  user,
  me,
  clinics,
  onChanged,
  onReset,
}: {
  user: User;
  me: User | null;
  clinics: Clinic[];
  onChanged: (message: string) => void;
  onReset: (displayName: string, initialPassword: string | undefined) => void;
}) {
  const isMe = user.id === me?.id;
  // Only an administrator of every clinic acts on another one (the server refuses anyone else); nobody acts on their own account here.
  const mayAct = !isMe && (!user.administersAllClinics || (me?.administersAllClinics ?? false));
  const roles = user.administersAllClinics ? [] : user.clinicRoles;
  return (
    <li
      className={`user-card${user.deactivatedAt ? ' user-card--inactive' : ''}`}
      data-testid="user-row"
      data-user-email={user.email}
      data-user-id={user.id}
    >
      <div className="user-card__main">
        <strong className="user-card__name">
          {user.displayName}
          {isMe && <span className="muted"> (you)</span>}
        </strong>
        <span className="user-card__email">{user.email}</span>
        <UserState user={user} />
      </div>
      <div className="user-card__facts">
        <span>{describeRoles(user, clinics).join(', ')}</span>
        <span>
          {user.mustChangePassword ? <span className="reason">Password: must change at next sign-in</span> : 'Password: set by the user'}
        </span>
        <span className="muted">Added {formatLocalDate(user.createdAt, BROWSER_ZONE)}</span>
      </div>
      {mayAct && (
        <div className="user-card__controls">
          {roles.length > 0 && (
            <div className="user-card__roles">
              {roles.map((r) => (
                <ClinicRoleControl
                  key={`${r.clinicId}:${r.role}`}
                  user={user}
                  clinicId={r.clinicId}
                  clinicName={clinics.find((c) => c.id === r.clinicId)?.name ?? 'this clinic'}
                  role={r.role}
                  onChanged={onChanged}
                />
              ))}
            </div>
          )}
          <div className="user-card__actions">
            <ResetPassword user={user} onReset={onReset} />
            <ActiveToggle user={user} onChanged={onChanged} />
          </div>
        </div>
      )}
    </li>
  );
}

export function UsersPage() {
  const { user: me } = useSession();
  const users = useLoaded('users', (signal) => api.listUsers(signal));
  const { clinics, error: clinicsError } = useClinics(me?.id);
  const [done, setDone] = useState<string | null>(null);
  const [drawn, setDrawn] = useState<{ displayName: string; password: string } | null>(null);
  // New users may only be given roles in clinics this administrator administers.
  const administered = clinics.filter((c) => canUseRoute(me, 'POST /api/users', c.id));
  // Active accounts first, then by name.
  const rows = [...(users.data ?? [])].sort(
    (a, b) => Number(a.deactivatedAt !== null) - Number(b.deactivatedAt !== null) || a.displayName.localeCompare(b.displayName),
  );
  const changed = (message: string) => {
    setDrawn(null);
    setDone(message);
    users.reload();
  };

  return (
    <section aria-labelledby="users-title">
      <title>Users — PumpWatch</title>
      <h1 id="users-title">Users</h1>
      <p className="muted">Who may sign in, and their role in each clinic. Deactivating someone signs them out everywhere at once.</p>
      {done && (
        <p className="notice notice--ok" role="status" data-testid="users-done">
          ✓ {done}
        </p>
      )}
      {drawn && (
        <ShownOnceSecret
          label={`Initial password of ${drawn.displayName}`}
          noun="password"
          value={drawn.password}
          testId="reset-password-shown"
          valueTestId="reset-password-value"
          onDone={() => setDrawn(null)}
        >
          The new initial password of <strong>{drawn.displayName}</strong>, shown this once: give it to them in person or by phone. They
          must choose their own at next sign-in; until then this password opens their account.
        </ShownOnceSecret>
      )}
      {(users.error || clinicsError) && (
        <p className="notice notice--error" role="alert">
          Could not load the users: {users.error ?? clinicsError}
        </p>
      )}
      <ul className="user-list" data-testid="users-table" aria-busy={users.loading} aria-label="Users who may sign in, with their roles">
        {rows.map((u) => (
          <UserCard
            key={u.id}
            user={u}
            me={me}
            clinics={clinics}
            onChanged={changed}
            onReset={(displayName, password) => {
              setDone(`Password of ${displayName} reset; they are signed out and must change it at their next sign-in.`);
              setDrawn(password ? { displayName, password } : null);
              users.reload();
            }}
          />
        ))}
        {users.data && rows.length === 0 && <li className="empty">No users yet.</li>}
      </ul>
      <CreateUserForm
        clinics={administered}
        mayGrantAllClinics={me?.administersAllClinics ?? false}
        onCreated={(created) => {
          setDrawn(null);
          setDone(`${created.displayName} added; they must change the initial password at first sign-in.`);
          users.reload();
        }}
      />
    </section>
  );
}
