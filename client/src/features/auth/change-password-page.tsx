// Change-password page (/account/password): the user's own password; required before anything else after an initial or reset password.
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { changePasswordSchema, MIN_PASSWORD_LENGTH } from '@pumpwatch/shared';
import { api, ApiError } from '../../lib/api';
import { validate, type FieldErrors } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { useSession } from './session-store';
import { safeNext } from './safe-next';
import { FormActions } from '../../components/form-actions';

const SHOWN = ['currentPassword', 'newPassword', 'confirmPassword'];

export function ChangePasswordPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { user, refresh } = useSession();
  const forced = user?.mustChangePassword ?? false;
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [changed, setChanged] = useState(false);
  const { errors, message, busy, refuse, send } = useFormSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(changePasswordSchema, { currentPassword, newPassword });
    const fields: FieldErrors = checked.ok ? {} : { ...checked.fields };
    if (confirmPassword !== newPassword) fields.confirmPassword = 'does not match the new password';
    if (!checked.ok || Object.keys(fields).length > 0) {
      refuse(fields);
      return;
    }
    setChanged(false);
    await send(async () => {
      try {
        await api.changePassword(checked.value);
      } catch (err) {
        // A wrong current password may come back as 401; the session store checks separately whether the session itself ended.
        if (err instanceof ApiError && err.status === 401 && Object.keys(err.fields).length === 0) {
          throw new ApiError({
            statusCode: 401,
            error: err.body.error,
            message: 'The current password is wrong.',
            fields: [{ field: 'currentPassword', message: 'is wrong' }],
          });
        }
        throw err;
      }
      setCurrentPassword('');
      setNewPassword('');
      setConfirmPassword('');
      // The server cleared mustChangePassword; reload the session so the rest of the dashboard opens up.
      await refresh();
      if (forced) navigate(safeNext(params.get('next')), { replace: true });
      else setChanged(true);
    });
  }

  return (
    <section aria-labelledby="password-title" className="auth-page">
      <title>Change password — PumpWatch</title>
      <h1 id="password-title">Change password</h1>
      {forced && (
        <p className="notice notice--warn" role="status" data-testid="password-change-required">
          Your password was set by an administrator. Choose your own before you continue.
        </p>
      )}
      {changed && (
        <p className="notice notice--ok" role="status" data-testid="password-changed">
          ✓ Password changed.
        </p>
      )}
      <form className="panel form" onSubmit={submit} noValidate data-testid="change-password-form">
        <FormErrorSummary message={message} fields={errors} shown={SHOWN} />
        <FormField label="Current password" name="currentPassword" error={errors.currentPassword}>
          <input
            type="password"
            value={currentPassword}
            onChange={(e) => setCurrentPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
        </FormField>
        <FormField
          label="New password"
          name="newPassword"
          error={errors.newPassword}
          hint={`at least ${MIN_PASSWORD_LENGTH} characters; a long passphrase is easiest`}
        >
          <input
            type="password"
            value={newPassword}
            onChange={(e) => setNewPassword(e.target.value)}
            autoComplete="new-password"
            minLength={MIN_PASSWORD_LENGTH}
            required
          />
        </FormField>
        <FormField label="Confirm new password" name="confirmPassword" error={errors.confirmPassword}>
          <input
            type="password"
            value={confirmPassword}
            onChange={(e) => setConfirmPassword(e.target.value)}
            autoComplete="new-password"
            required
          />
        </FormField>
        <FormActions busy={busy} label="Change password" testId="submit-password" />
      </form>
    </section>
  );
}
