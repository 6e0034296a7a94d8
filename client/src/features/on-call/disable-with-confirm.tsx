// What a webhook row and a paging-service row share on the escalation page: whether it is active, and a Disable button that asks
// once more (pages queued for it are not sent) before it disables.
import { useState } from 'react';
import { formatInstant } from '../../lib/format';
import { toSubmitFailure } from '../../lib/form-errors';

/** Active, or disabled and since when, in text and icon. */
export function ActiveState({
  active,
  disabledAt,
  timeZone,
  testId,
}: {
  active: boolean;
  disabledAt: string | null;
  timeZone: string;
  testId: string;
}) {
  return (
    <span className={active ? 'state state--ok' : 'state state--off'} data-testid={testId}>
      {active ? (
        <>
          <span aria-hidden="true">✓ </span>Active
        </>
      ) : (
        <>
          <span aria-hidden="true">⊘ </span>Disabled {formatInstant(disabledAt, timeZone)}
        </>
      )}
    </span>
  );
}

/** `testIdNoun` names the buttons `disable-<noun>` and `confirm-disable-<noun>`. */
export function DisableWithConfirm({
  name,
  testIdNoun,
  disable,
  onDisabled,
}: {
  name: string;
  testIdNoun: string;
  disable: () => Promise<unknown>;
  onDisabled: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  async function confirm() {
    setBusy(true);
    try {
      await disable();
      onDisabled();
    } catch (err) {
      setFailure(toSubmitFailure(err).message);
      setBusy(false);
    }
  }
  return (
    <div className="row-actions">
      {!confirming && (
        <button type="button" className="button button--quiet" onClick={() => setConfirming(true)} data-testid={`disable-${testIdNoun}`}>
          Disable
        </button>
      )}
      {confirming && (
        <span role="group" aria-label={`Confirm disabling ${name}`}>
          <span className="small">Pages queued for it are not sent.</span>{' '}
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => void confirm()}
            data-testid={`confirm-disable-${testIdNoun}`}
            autoFocus
          >
            Disable
          </button>{' '}
          <button type="button" className="button button--quiet" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      )}
      {failure && (
        <p className="field__error" role="alert">
          {failure}
        </p>
      )}
    </div>
  );
}
