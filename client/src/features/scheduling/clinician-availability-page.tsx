// Clinician availability page (/scheduler/clinicians/:id): weekly sessions and dated overrides, edited by roles that schedule.
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { clinicianAvailabilitySchema, type ClinicianAvailability, type ClinicianAvailabilityRequest } from '@pumpwatch/shared';
import { FormActions } from '../../components/form-actions';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { validate, type FieldErrors } from '../../lib/form-errors';
import { formatInstant } from '../../lib/format';
import { useFormSubmission } from '../../lib/use-form-submission';
import { useLoaded } from '../admin/use-loaded';
import { useCan } from '../auth/use-can';
import { schedulingApi } from './scheduling-api';
import './scheduling.css';
import { ClinicDateInput } from '../../components/clinic-date-input';

export const ISO_WEEKDAYS = [
  { value: 1, label: 'Monday' },
  { value: 2, label: 'Tuesday' },
  { value: 3, label: 'Wednesday' },
  { value: 4, label: 'Thursday' },
  { value: 5, label: 'Friday' },
  { value: 6, label: 'Saturday' },
  { value: 7, label: 'Sunday' },
] as const;
const weekdayLabel = (weekday: number) => ISO_WEEKDAYS.find((d) => d.value === weekday)?.label ?? `day ${weekday}`;

/** Rows as typed: times stay text until sent, so a half-typed row can be shown with its error. */
interface WeeklyRow {
  key: number;
  weekday: number;
  start: string;
  end: string;
}
interface OverrideRow {
  key: number;
  date: string;
  available: boolean;
  start: string;
  end: string;
  note: string;
}

let nextKey = 1;
const rowKey = () => nextKey++;

function rowsOf(availability: ClinicianAvailability): { weekly: WeeklyRow[]; overrides: OverrideRow[] } {
  return {
    weekly: availability.weekly.map((w) => ({ key: rowKey(), ...w })),
    overrides: availability.overrides.map((o) => ({
      key: rowKey(),
      date: o.date,
      available: o.available,
      start: o.start ?? '',
      end: o.end ?? '',
      note: o.note ?? '',
    })),
  };
}

const optional = (text: string) => (text.trim() === '' ? undefined : text.trim());

function requestOf(weekly: WeeklyRow[], overrides: OverrideRow[]): ClinicianAvailabilityRequest {
  return {
    weekly: weekly.map(({ weekday, start, end }) => ({ weekday, start, end })),
    overrides: overrides.map((o) => ({
      date: o.date,
      available: o.available,
      start: optional(o.start),
      end: optional(o.end),
      note: optional(o.note),
    })),
  };
}

interface EditorProps {
  availability: ClinicianAvailability;
  onSaved: (saved: ClinicianAvailability) => void;
}

function AvailabilityEditor({ availability, onSaved }: EditorProps) {
  const [weekly, setWeekly] = useState<WeeklyRow[]>(() => rowsOf(availability).weekly);
  const [overrides, setOverrides] = useState<OverrideRow[]>(() => rowsOf(availability).overrides);
  const [saved, setSaved] = useState(false);
  const { errors, message, busy, refuse, send } = useFormSubmission();

  const updateWeekly = (key: number, patch: Partial<WeeklyRow>) =>
    setWeekly((rows) => rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const updateOverride = (key: number, patch: Partial<OverrideRow>) =>
    setOverrides((rows) => rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const body = requestOf(weekly, overrides);
    const checked = validate(clinicianAvailabilitySchema, body);
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      const answer = await schedulingApi.putAvailability(availability.clinicianId, checked.value);
      const rows = rowsOf(answer);
      setWeekly(rows.weekly);
      setOverrides(rows.overrides);
      setSaved(true);
      onSaved(answer);
    });
  }

  // Field errors are keyed by the row's index at the time of sending, as the API names them (`weekly.2.end`).
  const shown: string[] = [
    ...weekly.flatMap((_, i) => ['weekday', 'start', 'end'].map((f) => `weekly.${i}.${f}`)),
    ...overrides.flatMap((_, i) => ['date', 'available', 'start', 'end', 'note'].map((f) => `overrides.${i}.${f}`)),
  ];

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="availability-form" aria-labelledby="availability-edit-title">
      <h2 id="availability-edit-title">Edit availability</h2>
      <FormErrorSummary message={message} fields={errors} shown={shown} />
      {saved && !busy && (
        <p className="notice notice--ok" role="status" data-testid="availability-saved">
          Availability saved.
        </p>
      )}

      <fieldset className="availability__group">
        <legend>Weekly sessions</legend>
        {weekly.length === 0 && <p className="muted">No weekly sessions: only extra sessions below can be booked.</p>}
        {weekly.map((row, i) => (
          <WeeklyRowFields
            key={row.key}
            row={row}
            index={i}
            errors={errors}
            onChange={(patch) => updateWeekly(row.key, patch)}
            onRemove={() => setWeekly((rows) => rows.filter((r) => r.key !== row.key))}
          />
        ))}
        <button
          type="button"
          className="button button--quiet"
          data-testid="add-weekly"
          onClick={() => setWeekly((rows) => [...rows, { key: rowKey(), weekday: 1, start: '08:00', end: '12:00' }])}
        >
          + Add a weekly session
        </button>
      </fieldset>

      <fieldset className="availability__group">
        <legend>Dated overrides</legend>
        <p className="muted small">
          Off without times: the whole day is off. Off with times: that window is off. Extra session: needs times.
        </p>
        {overrides.map((row, i) => (
          <OverrideRowFields
            key={row.key}
            row={row}
            index={i}
            errors={errors}
            timeZone={availability.timeZone}
            onChange={(patch) => updateOverride(row.key, patch)}
            onRemove={() => setOverrides((rows) => rows.filter((r) => r.key !== row.key))}
          />
        ))}
        <button
          type="button"
          className="button button--quiet"
          data-testid="add-override"
          onClick={() => setOverrides((rows) => [...rows, { key: rowKey(), date: '', available: false, start: '', end: '', note: '' }])}
        >
          + Add an override
        </button>
      </fieldset>

      <FormActions busy={busy} label="Save availability" testId="save-availability" />
    </form>
  );
}

interface RowProps<T> {
  row: T;
  index: number;
  errors: FieldErrors;
  onChange: (patch: Partial<T>) => void;
  onRemove: () => void;
  /** The clinic's zone, for the locale of date fields. */
  timeZone?: string;
}

function WeeklyRowFields({ row, index, errors, onChange, onRemove }: RowProps<WeeklyRow>) {
  const path = `weekly.${index}`;
  return (
    <div className="form__row" data-testid="weekly-row" data-index={index}>
      <FormField label="Weekday" name={`${path}.weekday`} error={errors[`${path}.weekday`]}>
        <select value={row.weekday} onChange={(e) => onChange({ weekday: Number(e.target.value) })} data-testid="weekly-weekday">
          {ISO_WEEKDAYS.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
      </FormField>
      <FormField label="Start" name={`${path}.start`} error={errors[`${path}.start`]} hint="HH:MM">
        <input
          type="text"
          inputMode="numeric"
          value={row.start}
          onChange={(e) => onChange({ start: e.target.value })}
          placeholder="08:00"
          data-testid="weekly-start"
        />
      </FormField>
      <FormField label="End" name={`${path}.end`} error={errors[`${path}.end`]} hint="HH:MM">
        <input
          type="text"
          inputMode="numeric"
          value={row.end}
          onChange={(e) => onChange({ end: e.target.value })}
          placeholder="12:00"
          data-testid="weekly-end"
        />
      </FormField>
      <button type="button" className="button button--quiet" onClick={onRemove} data-testid="remove-weekly">
        Remove<span className="visually-hidden"> session {index + 1}</span>
      </button>
    </div>
  );
}

function OverrideRowFields({ row, index, errors, onChange, onRemove, timeZone }: RowProps<OverrideRow>) {
  const path = `overrides.${index}`;
  return (
    <div className="form__row" data-testid="override-row" data-index={index}>
      <FormField label="Date" name={`${path}.date`} error={errors[`${path}.date`]}>
        <ClinicDateInput value={row.date} onChange={(date) => onChange({ date })} timeZone={timeZone} data-testid="override-date" />
      </FormField>
      <FormField label="Kind" name={`${path}.available`} error={errors[`${path}.available`]}>
        <select
          value={row.available ? 'extra' : 'off'}
          onChange={(e) => onChange({ available: e.target.value === 'extra' })}
          data-testid="override-kind"
        >
          <option value="off">Off</option>
          <option value="extra">Extra session</option>
        </select>
      </FormField>
      <FormField label="Start" name={`${path}.start`} error={errors[`${path}.start`]} hint="HH:MM, optional when off">
        <input
          type="text"
          inputMode="numeric"
          value={row.start}
          onChange={(e) => onChange({ start: e.target.value })}
          data-testid="override-start"
        />
      </FormField>
      <FormField label="End" name={`${path}.end`} error={errors[`${path}.end`]} hint="HH:MM">
        <input
          type="text"
          inputMode="numeric"
          value={row.end}
          onChange={(e) => onChange({ end: e.target.value })}
          data-testid="override-end"
        />
      </FormField>
      <FormField label="Note" name={`${path}.note`} error={errors[`${path}.note`]}>
        <input
          type="text"
          value={row.note}
          onChange={(e) => onChange({ note: e.target.value })}
          maxLength={200}
          data-testid="override-note"
        />
      </FormField>
      <button type="button" className="button button--quiet" onClick={onRemove} data-testid="remove-override">
        Remove<span className="visually-hidden"> override {index + 1}</span>
      </button>
    </div>
  );
}

/** What roles without the schedule capability see: the sessions as text. */
function AvailabilitySummary({ availability }: { availability: ClinicianAvailability }) {
  return (
    <section className="panel" aria-labelledby="availability-view-title" data-testid="availability-view">
      <h2 id="availability-view-title">Availability</h2>
      {availability.weekly.length === 0 ? (
        <p className="muted">No weekly sessions.</p>
      ) : (
        <ul>
          {availability.weekly.map((w, i) => (
            <li key={i} data-testid="availability-weekly">
              {weekdayLabel(w.weekday)} {w.start}–{w.end}
            </li>
          ))}
        </ul>
      )}
      {availability.overrides.length > 0 && (
        <ul>
          {availability.overrides.map((o, i) => (
            <li key={i} data-testid="availability-override">
              {o.date}: {o.available ? 'extra session' : 'off'}
              {o.start ? ` ${o.start}–${o.end}` : o.available ? '' : ' (whole day)'}
              {o.note ? ` — ${o.note}` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ClinicianAvailabilityPage() {
  const { id = '' } = useParams();
  const clinician = useLoaded(`clinician:${id}`, (signal) => schedulingApi.getClinician(id, signal));
  const loaded = useLoaded(`availability:${id}`, (signal) => schedulingApi.getAvailability(id, signal));
  const [availability, setAvailability] = useState<ClinicianAvailability | undefined>();
  useEffect(() => setAvailability(loaded.data), [loaded.data]);
  const mayEdit = useCan('PUT /api/clinicians/:id/availability', clinician.data?.clinicId);
  const name = clinician.data?.displayName ?? 'Clinician';
  const error = clinician.error ?? loaded.error;

  return (
    <section className="scheduler" aria-labelledby="availability-title" data-testid="availability-page" data-clinician-id={id}>
      <title>{`Availability of ${name} — PumpWatch`}</title>
      <p>
        <Link to={clinician.data ? `/scheduler?clinic=${clinician.data.clinicId}` : '/scheduler'}>← Back to the scheduler</Link>
      </p>
      <h1 id="availability-title">Availability of {name}</h1>
      {error && (
        <p className="notice notice--error" role="alert">
          Could not load the availability: {error}
        </p>
      )}
      {availability && (
        <>
          <p className="muted">
            Times in the clinic's zone, {availability.timeZone}.
            {availability.updatedAt && <> Last changed {formatInstant(availability.updatedAt, availability.timeZone)}.</>}
          </p>
          {mayEdit ? (
            <AvailabilityEditor key={`${id}:${loaded.data?.updatedAt ?? ''}`} availability={availability} onSaved={setAvailability} />
          ) : (
            clinician.data && <AvailabilitySummary availability={availability} />
          )}
        </>
      )}
      {!availability && !error && <p className="muted">Loading…</p>}
    </section>
  );
}
