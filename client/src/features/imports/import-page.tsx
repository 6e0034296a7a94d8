// /import: a clinic's patients and pumps from a spreadsheet. Upload answers a dry run (refused rows first, each with its column and
// reason); nothing is saved until Confirm, which writes every accepted row or none; then the fleet shows the imported pumps.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import {
  defaultDateOrderOf,
  IMPORT_COLUMNS,
  type ImportConfirmation,
  type ImportDateOrder,
  type ImportDryRun,
  type ImportRowOutcome,
  type ImportRowResult,
} from '@pumpwatch/shared';
import { ApiError, request } from '../../lib/api';
import { useSession } from '../auth/session-store';
import { canUseRoute } from '../auth/use-can';
import { useClinics } from '../clinics/use-clinics';
import { ClinicPicker } from '../admin/clinic-picker';
import './imports.css';

/** Each outcome in words and a mark, never by colour alone; refused first: what the clinic must fix before it is imported. */
const OUTCOMES: Record<ImportRowOutcome, { icon: string; label: string; rank: number }> = {
  refused: { icon: '✕', label: 'Refused', rank: 0 },
  create: { icon: '+', label: 'New', rank: 1 },
  update: { icon: '↻', label: 'Update', rank: 2 },
  unchanged: { icon: '=', label: 'Unchanged', rank: 3 },
};

const byOutcomeThenRow = (a: ImportRowResult, b: ImportRowResult) => OUTCOMES[a.outcome].rank - OUTCOMES[b.outcome].rank || a.row - b.row;

const messageOf = (error: unknown): string =>
  error instanceof ApiError
    ? error.body.fields?.length
      ? error.body.fields.map((f) => `${f.field} ${f.message}`).join('; ')
      : error.message
    : String(error);

export function ImportPage() {
  const { user } = useSession();
  const { clinics, error: clinicsError } = useClinics(user?.id);
  const importable = clinics.filter((c) => canUseRoute(user, 'POST /api/clinics/:id/imports', c.id));
  const [chosenClinicId, setChosenClinicId] = useState('');
  const clinic = importable.find((c) => c.id === chosenClinicId) ?? importable[0];
  const [file, setFile] = useState<File | null>(null);
  const [dateOrder, setDateOrder] = useState<'' | ImportDateOrder>('');
  const [dryRun, setDryRun] = useState<ImportDryRun | null>(null);
  const [confirmed, setConfirmed] = useState<ImportConfirmation | null>(null);
  const [busy, setBusy] = useState<'checking' | 'importing' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const check = async (event: FormEvent) => {
    event.preventDefault();
    if (!clinic || !file) return;
    const form = new FormData();
    form.append('file', file);
    if (dateOrder) form.append('dateOrder', dateOrder);
    setBusy('checking');
    setError(null);
    setDryRun(null);
    setConfirmed(null);
    try {
      setDryRun(await request<ImportDryRun>('POST', `/api/clinics/${encodeURIComponent(clinic.id)}/imports`, form));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  };

  const confirm = async () => {
    if (!clinic || !dryRun) return;
    setBusy('importing');
    setError(null);
    try {
      setConfirmed(
        await request<ImportConfirmation>(
          'POST',
          `/api/clinics/${encodeURIComponent(clinic.id)}/imports/${encodeURIComponent(dryRun.importId)}/confirm`,
        ),
      );
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  };

  const summary = dryRun?.summary;
  const accepted = summary ? summary.create + summary.update + summary.unchanged : 0;
  return (
    <section aria-labelledby="import-title" data-testid="import-page" className="import-page">
      <title>Import from a spreadsheet — PumpWatch</title>
      <h1 id="import-title">Import patients and pumps{clinic && importable.length > 1 ? ` — ${clinic.name}` : ''}</h1>
      <p className="muted">
        One row per patient with the pump, its last refill and the program in force, as CSV (UTF-8, <code>;</code> or <code>,</code>) or
        XLSX. Nothing is saved until you confirm; a row already recorded as the file says is left unchanged.{' '}
        <a href="/api/imports/template.csv" download data-testid="import-template">
          Download the template (CSV)
        </a>
      </p>
      <details className="import-columns">
        <summary>Columns</summary>
        <p>
          <code>{IMPORT_COLUMNS.join(', ')}</code>. Dates as 2026-01-31, 31.01.2026 or with slashes in the clinic&apos;s order; the refill
          time as 24-hour HH:MM on the clinic&apos;s clock. Optional: <code>reservoirCapacityMl</code>, <code>flowRateMlPerDay</code>{' '}
          (constant-flow pumps), <code>doseChangeReason</code>.
        </p>
      </details>
      {clinicsError && (
        <p className="notice notice--error" role="alert">
          Could not load your clinics: {clinicsError}
        </p>
      )}
      {clinics.length > 0 && importable.length === 0 && (
        <p className="notice">Your role allows no import: clinicians and administrators import.</p>
      )}
      <ClinicPicker
        clinics={importable}
        value={clinic?.id ?? ''}
        onChange={(id) => {
          setChosenClinicId(id);
          setDryRun(null);
          setConfirmed(null);
        }}
        testId="import-clinic"
      />
      {clinic && (
        <form className="import-form" onSubmit={check} data-testid="import-form">
          <label className="import-field">
            <span>Spreadsheet</span>
            <input
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              data-testid="import-file"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setDryRun(null);
                setConfirmed(null);
              }}
            />
          </label>
          <label className="import-field">
            <span>Dates with slashes</span>
            <select
              value={dateOrder}
              onChange={(e) => setDateOrder(e.target.value as '' | ImportDateOrder)}
              data-testid="import-date-order"
            >
              <option value="">
                As the clinic writes dates (
                {defaultDateOrderOf(clinic.timeZone, clinic.locale) === 'month-first' ? 'month first' : 'day first'})
              </option>
              <option value="day-first">Day first (31/01/2026)</option>
              <option value="month-first">Month first (01/31/2026)</option>
            </select>
          </label>
          <button type="submit" className="button button--primary" disabled={!file || busy !== null} data-testid="import-check">
            {busy === 'checking' ? 'Checking…' : 'Check the file'}
          </button>
        </form>
      )}
      {busy && (
        <p className="notice" role="status">
          {busy === 'checking' ? 'Checking every row (nothing is saved)…' : 'Importing…'}
        </p>
      )}
      {error && (
        <p className="notice notice--error" role="alert" data-testid="import-error">
          {error}
        </p>
      )}
      {dryRun && summary && (
        <>
          <p className={`notice ${summary.refused > 0 ? 'notice--warn' : 'notice--ok'}`} data-testid="import-summary" role="status">
            {summary.refused > 0 && (
              <>
                <span aria-hidden="true">⚠ </span>
                <strong>{summary.refused} refused</strong> (listed first, not imported).{' '}
              </>
            )}
            {summary.rows} rows: {summary.create} new, {summary.update} to update, {summary.unchanged} unchanged. Dates read{' '}
            {summary.dateOrder === 'day-first' ? 'day first' : 'month first'}, times on {summary.timeZone}.
            {summary.ignoredColumns.length > 0 && ` Columns read past: ${summary.ignoredColumns.join(', ')}.`}
          </p>
          {!confirmed && (
            <div className="toolbar">
              <button
                type="button"
                className="button button--primary"
                onClick={confirm}
                disabled={accepted === 0 || busy !== null}
                data-testid="import-confirm"
              >
                Import {accepted} {accepted === 1 ? 'row' : 'rows'}
                {summary.refused > 0 ? ` (without the ${summary.refused} refused)` : ''}
              </button>
              <span className="muted">Nothing is saved yet. All rows are written together, or none.</span>
            </div>
          )}
          {confirmed && (
            <p className="notice notice--ok" role="status" data-testid="import-done">
              <span aria-hidden="true">✓ </span>Imported: {confirmed.created} new, {confirmed.updated} updated, {confirmed.unchanged}{' '}
              unchanged.{' '}
              <Link to="/" data-testid="import-fleet-link">
                Open the fleet
              </Link>{' '}
              to see the pumps and their refill deadlines.
            </p>
          )}
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Rows of the file">
            <table className="import-table" data-testid="import-rows">
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Patient</th>
                  <th scope="col">Serial</th>
                  <th scope="col">Why refused</th>
                </tr>
              </thead>
              <tbody>
                {[...dryRun.rows].sort(byOutcomeThenRow).map((row) => (
                  <tr
                    key={row.row}
                    className={`import-row import-row--${row.outcome}`}
                    data-testid="import-row"
                    data-outcome={row.outcome}
                    data-row={row.row}
                  >
                    <td data-label="Row">{row.row}</td>
                    <td className="import-outcome" data-label="Outcome">
                      <span aria-hidden="true">{OUTCOMES[row.outcome].icon} </span>
                      {OUTCOMES[row.outcome].label}
                    </td>
                    <td className="import-patient" data-label="Patient">
                      {row.displayName ?? '—'}
                      {row.mrn && <span className="muted import-nowrap"> · {row.mrn}</span>}
                    </td>
                    <td className="import-nowrap" data-label="Serial">
                      {row.serialNumber ?? '—'}
                    </td>
                    <td className="import-why">
                      {row.fields?.length ? (
                        <ul className="import-reasons">
                          {row.fields.map((f, i) => (
                            <li key={i}>
                              <code>{f.field}</code> {f.message}
                            </li>
                          ))}
                        </ul>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
