// Form state every PumpWatch form shares: field errors, a summary message, and a busy flag while the API answers.
import { useState } from 'react';
import { toSubmitFailure, type FieldErrors } from './form-errors';

export function useFormSubmission() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  /** Shows client-side validation errors; nothing is sent. */
  function refuse(fields: FieldErrors): void {
    setErrors(fields);
    setMessage('Please correct the fields marked below.');
  }

  /** Sends the request; API field errors land beside their fields. */
  async function send(request: () => Promise<void>): Promise<void> {
    setBusy(true);
    try {
      await request();
      setErrors({});
      setMessage(undefined);
    } catch (err) {
      const failure = toSubmitFailure(err);
      setErrors(failure.fields);
      setMessage(failure.message);
    } finally {
      setBusy(false);
    }
  }

  return { errors, message, busy, refuse, send };
}
