// The last-used, state and revoke cells of a revocable secret's row (gateway tokens, calendar feeds), with a confirm step.
import { useState } from 'react';
import { formatInstant } from '../../lib/format';

interface RevocableSecretCellsProps {
  name: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  timeZone: string;
  /** What stops working once revoked, shown in the confirm step. */
  consequence: string;
  /** "token", "feed": the revoke buttons' test ids are `revoke-${noun}` and `confirm-revoke-${noun}`. */
  noun: string;
  revoke: () => Promise<unknown>;
  onRevoked: () => void;
}

export function RevocableSecretCells({
  name,
  lastUsedAt,
  revokedAt,
  timeZone,
  consequence,
  noun,
  revoke,
  onRevoked,
}: RevocableSecretCellsProps) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  async function confirmRevoke() {
    setBusy(true);
    setError(undefined);
    try {
      await revoke();
      setConfirming(false);
      onRevoked();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <td>{lastUsedAt ? formatInstant(lastUsedAt, timeZone) : <span className="muted">never</span>}</td>
      <td>{revokedAt ? `revoked ${formatInstant(revokedAt, timeZone)}` : 'active'}</td>
      <td>
        {revokedAt === null && !confirming && (
          <button type="button" className="button button--quiet" onClick={() => setConfirming(true)} data-testid={`revoke-${noun}`}>
            Revoke<span className="visually-hidden"> {name}</span>
          </button>
        )}
        {confirming && (
          <div className="confirm" role="group" aria-label={`Confirm revoking ${name}`}>
            <span>{consequence} Revoke?</span>
            <button
              type="button"
              className="button button--danger"
              onClick={() => void confirmRevoke()}
              disabled={busy}
              data-testid={`confirm-revoke-${noun}`}
              autoFocus
            >
              {busy ? 'Revoking…' : 'Yes, revoke'}
            </button>
            <button type="button" className="button button--quiet" onClick={() => setConfirming(false)} disabled={busy}>
              Keep it
            </button>
          </div>
        )}
        {error && (
          <p className="field__error" role="alert">
            {error}
          </p>
        )}
      </td>
    </>
  );
}
