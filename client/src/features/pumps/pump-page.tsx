// Pump page (/pumps/:id): header, forecast chart with reported volumes, telemetry, fill and program history, the forms the role allows; live.
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { PUMP_MODELS } from '@pumpwatch/shared';
import { api, ApiError } from '../../lib/api';
import { useLiveData } from '../../lib/use-live-data';
import { modelName } from '../../lib/format';
import { PumpSummary } from './pump-summary';
import { ForecastChart } from './forecast-chart';
import { useBookedRefillAt } from './use-booked-refill';
import { FillHistory } from './fill-history';
import { ProgramHistory } from './program-history';
import { RecordFillForm } from './record-fill-form';
import { SetProgramForm } from './set-program-form';
import { useCan } from '../auth/use-can';
import { usePumpTelemetry } from '../telemetry/use-pump-telemetry';
import { PumpTelemetrySection } from '../telemetry/pump-telemetry-section';
import { ClinicalSafetySection } from '../clinical-safety/clinical-safety-section';
import { bookRefillHref } from '../patients/patient-pumps';

type OpenForm = 'fill' | 'program' | null;

function latest<T>(items: T[], at: (item: T) => string): T | undefined {
  return items.reduce<T | undefined>(
    (best, item) => (best === undefined || Date.parse(at(item)) > Date.parse(at(best)) ? item : best),
    undefined,
  );
}

export function PumpPage() {
  const { id = '' } = useParams();
  const detail = useLiveData(
    `pump:${id}`,
    (signal) => api.getPump(id, signal),
    (event) => event.pumpId === id,
  );
  const telemetry = usePumpTelemetry(id);
  const bookedRefillAt = useBookedRefillAt(id);
  const [open, setOpen] = useState<OpenForm>(null);
  const [saved, setSaved] = useState<string | null>(null);
  // Fills and programs are clinical acts, allowed only in the pump's own clinic.
  const clinicId = detail.data?.pump.clinicId;
  const mayRecordFill = useCan('POST /api/pumps/:id/fills', clinicId) && clinicId !== undefined;
  const maySetProgram = useCan('POST /api/pumps/:id/programs', clinicId) && clinicId !== undefined;
  const mayBookRefill = useCan('POST /api/appointments', clinicId) && clinicId !== undefined;

  if (detail.error && !detail.data) {
    const notFound = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <p className="notice notice--error" role="alert">
        {notFound ? 'No pump with this id.' : `Could not load the pump: ${detail.error.message}`} <Link to="/">Back to the fleet</Link>
      </p>
    );
  }
  if (!detail.data) return <p className="muted">Loading the pump…</p>;

  const d = detail.data;
  const tz = d.clinic.timeZone;
  const active = d.pump.explantedAt === null;
  const programmable = PUMP_MODELS[d.pump.modelId]?.programmable ?? true;
  const done = (what: string) => {
    setOpen(null);
    setSaved(what);
    detail.reload();
  };

  return (
    <article aria-labelledby="pump-title" data-testid="pump-page" data-pump-id={d.pump.id}>
      <title>{`${d.patient.displayName} · ${d.pump.serialNumber} — PumpWatch`}</title>
      <p className="crumbs">
        <Link to="/">← Fleet</Link>
        {' · '}
        <Link to={`/patients/${d.patient.id}`} data-testid="pump-patient-link">
          Patient: {d.patient.displayName}
        </Link>
      </p>
      <div className="page-head">
        <h1 id="pump-title">
          {d.patient.displayName}{' '}
          <span className="muted">
            · {modelName(d.pump.modelId)} · SN {d.pump.serialNumber}
          </span>
        </h1>
        {active && (mayRecordFill || (programmable && maySetProgram) || mayBookRefill) && (
          <div className="actions">
            {mayBookRefill && (
              <Link to={bookRefillHref(d.pump)} className="button" data-testid="pump-book-refill">
                Book refill
              </Link>
            )}
            {mayRecordFill && (
              <button
                type="button"
                className="button"
                aria-expanded={open === 'fill'}
                onClick={() => {
                  setSaved(null);
                  setOpen(open === 'fill' ? null : 'fill');
                }}
                data-testid="open-fill-form"
              >
                Record fill
              </button>
            )}
            {programmable && maySetProgram && (
              <button
                type="button"
                className="button"
                aria-expanded={open === 'program'}
                onClick={() => {
                  setSaved(null);
                  setOpen(open === 'program' ? null : 'program');
                }}
                data-testid="open-program-form"
              >
                Set program
              </button>
            )}
          </div>
        )}
      </div>
      {saved && (
        <p className="notice notice--ok" role="status">
          ✓ {saved}
        </p>
      )}
      {open === 'fill' && mayRecordFill && (
        <RecordFillForm
          pump={d.pump}
          timeZone={tz}
          lastFill={latest(d.fills, (f) => f.filledAt)}
          onCancel={() => setOpen(null)}
          onSaved={() => done('Fill recorded.')}
        />
      )}
      {open === 'program' && maySetProgram && (
        <SetProgramForm
          pumpId={d.pump.id}
          timeZone={tz}
          lastProgram={latest(d.programs, (p) => p.effectiveFrom)}
          onCancel={() => setOpen(null)}
          onSaved={() => done('Program set.')}
        />
      )}
      <PumpSummary detail={d} />
      <section aria-labelledby="chart-title" className="panel">
        <h2 id="chart-title">Forecast</h2>
        {d.forecast && d.forecast.status === 'ok' ? (
          <ForecastChart
            forecast={d.forecast}
            fills={d.fills}
            programs={d.programs}
            capacityMl={d.pump.reservoirCapacityMl}
            timeZone={tz}
            readings={telemetry.readings.data?.readings}
            bookedRefillAt={bookedRefillAt}
          />
        ) : (
          <p className="muted">No forecast to chart{d.forecast ? '' : ' (explanted pump)'}.</p>
        )}
        {!programmable && <p className="muted">Constant-flow pump: dose = flow rate × concentration; it takes no program.</p>}
      </section>
      <PumpTelemetrySection detail={d} data={telemetry} onChanged={detail.reload} />
      <ClinicalSafetySection patientId={d.patient.id} clinicId={d.pump.clinicId} pumpId={d.pump.id} />
      <section aria-label="History" className="panel">
        <FillHistory fills={d.fills} timeZone={tz} />
        <ProgramHistory programs={d.programs} timeZone={tz} />
      </section>
    </article>
  );
}
