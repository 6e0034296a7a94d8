// Machine tokens page (/admin/machine-tokens): the secrets a clinic's telemetry gateways use; created once, shown once, revoked at will.
import { useState, type FormEvent } from 'react';
import { createMachineTokenSchema, type CreatedMachineToken, type MachineToken } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { formatInstant } from '../../lib/format';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { useSession } from '../auth/session-store';
import { canUseRoute } from '../auth/use-can';
import { useClinics } from '../clinics/use-clinics';
import { RevocableSecretCells } from './revocable-secret-cells';
import { ShownOnceSecret } from './shown-once-secret';
import { useLoaded } from './use-loaded';
import { FormActions } from '../../components/form-actions';
import { ClinicPicker } from './clinic-picker';

/** The secret of a token just created, shown once (the server keeps only its hash). */
function NewTokenSecret({ token, onDone }: { token: CreatedMachineToken; onDone: () => void }) {
  return (
    <ShownOnceSecret
      label="Token secret"
      noun="token"
      value={token.token}
      testId="new-token-secret"
      valueTestId="new-token-value"
      onDone={onDone}
    >
      <strong>Copy the token “{token.name}” now.</strong> It is shown only this once and cannot be retrieved later; if it is lost, revoke it
      and create another.
    </ShownOnceSecret>
  );
}

function CreateTokenForm({ clinicId, onCreated }: { clinicId: string; onCreated: (token: CreatedMachineToken) => void }) {
  const [name, setName] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(createMachineTokenSchema, { clinicId, name });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      const created = await api.createMachineToken(checked.value);
      setName('');
      onCreated(created);
    });
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="create-token-form" aria-labelledby="create-token-title">
      <h2 id="create-token-title">Create a token</h2>
      <FormErrorSummary message={message} fields={errors} shown={['name']} />
      <FormField label="Name" name="name" error={errors.name} hint="where it is used, e.g. “Ward 3 telemetry gateway”">
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      </FormField>
      <FormActions busy={busy} label="Create token" testId="submit-token" busyLabel="Creating…" />
    </form>
  );
}

function TokenRow({ token, timeZone, onRevoked }: { token: MachineToken; timeZone: string; onRevoked: () => void }) {
  return (
    <tr data-testid="token-row" data-token-id={token.id} data-revoked={token.revokedAt !== null}>
      <td>{token.name}</td>
      <td>{formatInstant(token.createdAt, timeZone)}</td>
      <RevocableSecretCells
        name={token.name}
        lastUsedAt={token.lastUsedAt}
        revokedAt={token.revokedAt}
        timeZone={timeZone}
        noun="token"
        consequence="Gateways using it stop at once."
        revoke={() => api.revokeMachineToken(token.id)}
        onRevoked={onRevoked}
      />
    </tr>
  );
}

export function MachineTokensPage() {
  const { user } = useSession();
  const { clinics, error: clinicsError } = useClinics(user?.id);
  const administered = clinics.filter((c) => canUseRoute(user, 'GET /api/machine-tokens', c.id));
  const [chosenClinicId, setChosenClinicId] = useState('');
  const clinic = administered.find((c) => c.id === chosenClinicId) ?? administered[0];
  const tokens = useLoaded(`tokens:${clinic?.id ?? ''}`, (signal) =>
    clinic ? api.listMachineTokens(clinic.id, signal) : Promise.resolve([]),
  );
  const [created, setCreated] = useState<CreatedMachineToken | null>(null);
  const rows = [...(tokens.data ?? [])].sort(
    (a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt),
  );

  return (
    <section aria-labelledby="tokens-title">
      <title>Machine tokens — PumpWatch</title>
      <h1 id="tokens-title">Machine tokens</h1>
      <p className="muted">Telemetry gateways send pump readings with a token of their clinic instead of a person's password.</p>
      {(tokens.error || clinicsError) && (
        <p className="notice notice--error" role="alert">
          Could not load the tokens: {tokens.error ?? clinicsError}
        </p>
      )}
      <ClinicPicker
        clinics={administered}
        value={clinic?.id ?? ''}
        onChange={(id) => {
          setCreated(null);
          setChosenClinicId(id);
        }}
        testId="tokens-clinic"
      />
      {clinic && (
        <>
          {created && <NewTokenSecret token={created} onDone={() => setCreated(null)} />}
          <div className="table-wrap" tabIndex={0}>
            <table data-testid="tokens-table" aria-busy={tokens.loading}>
              <caption className="caption">Tokens of {clinic.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <TokenRow key={t.id} token={t} timeZone={clinic.timeZone} onRevoked={tokens.reload} />
                ))}
                {tokens.data && rows.length === 0 && (
                  <tr>
                    <td colSpan={5} className="empty">
                      No tokens for this clinic yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <CreateTokenForm
            clinicId={clinic.id}
            onCreated={(token) => {
              setCreated(token);
              tokens.reload();
            }}
          />
        </>
      )}
    </section>
  );
}
