// Sign-in page (/sign-in): email and password, then back to the page the user came from (`?next=`).
import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { loginSchema } from '@pumpwatch/shared';
import { ApiError } from '../../lib/api';
import { validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { useSession } from './session-store';
import { safeNext } from './safe-next';

const SHOWN = ['email', 'password'];

/** Whole seconds until `until` (ms since epoch), ticking once a second while above zero. */
function useSecondsLeft(until: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= Date.now()) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/** "45 s", or whole minutes rounded up once it is longer than a minute and a half ("15 min"): easier to read than 900 s. */
function waitText(seconds: number): string {
  return seconds > 90 ? `${Math.ceil(seconds / 60)} min` : `${seconds} s`;
}

/** Emails are matched without regard to case or surrounding spaces, as the server does. */
function sameAccount(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const { session, signedOutBecause, signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // The server locks one account, not the tab: the wait applies to the email it was answered for, and another email may sign in.
  const [lock, setLock] = useState<{ email: string; until: number } | null>(null);
  const lockSeconds = useSecondsLeft(lock?.until ?? 0);
  const waitSeconds = lock && sameAccount(lock.email, email) ? lockSeconds : 0;
  const { errors, message, busy, refuse, send } = useFormSubmission();

  // Signed in (just now, or arriving here with a live session): on to the page asked for.
  if (session) return <Navigate to={next} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(loginSchema, { email, password });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      try {
        await signIn(checked.value);
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) throw new Error('Email or password is wrong.', { cause: err });
        if (err instanceof ApiError && err.status === 429) {
          const seconds = err.retryAfterSeconds ?? 60;
          setLock({ email: checked.value.email, until: Date.now() + seconds * 1000 });
          throw new Error(
            `Too many attempts for ${checked.value.email}: try again in ${waitText(seconds)}. Other accounts can still sign in.`,
            { cause: err },
          );
        }
        throw err;
      }
      setPassword('');
    });
  }

  return (
    <section aria-labelledby="sign-in-title" className="auth-page">
      <title>Sign in — PumpWatch</title>
      <h1 id="sign-in-title">Sign in to PumpWatch</h1>
      {signedOutBecause === 'expired' && (
        <p className="notice notice--warn" role="status" data-testid="session-ended">
          Your session has ended. Sign in again to return to the page you were on.
        </p>
      )}
      {signedOutBecause === 'signed-out' && (
        <p className="notice notice--ok" role="status" data-testid="signed-out">
          You are signed out.
        </p>
      )}
      <form className="panel form" onSubmit={submit} noValidate data-testid="sign-in-form">
        <FormErrorSummary message={message} fields={errors} shown={SHOWN} />
        <FormField label="Email" name="email" error={errors.email}>
          <input
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoComplete="username"
            autoFocus
            required
            data-testid="sign-in-email"
          />
        </FormField>
        <FormField label="Password" name="password" error={errors.password}>
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
            data-testid="sign-in-password"
          />
        </FormField>
        <div className="form__actions">
          <button
            type="submit"
            className="button button--primary"
            disabled={busy || waitSeconds > 0}
            data-testid="sign-in-submit"
            data-locked-email={waitSeconds > 0 ? lock?.email : undefined}
          >
            {busy ? 'Signing in…' : waitSeconds > 0 ? `Sign in (wait ${waitText(waitSeconds)})` : 'Sign in'}
          </button>
        </div>
      </form>
    </section>
  );
}
