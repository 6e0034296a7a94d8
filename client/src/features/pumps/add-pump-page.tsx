// "Add pump" page: registers an implanted pump for a patient, replacing (and explanting) their active pump if any.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import {
  createPumpSchema,
  EXPLANT_REASONS,
  PUMP_MODEL_IDS,
  PUMP_MODELS,
  type Clinic,
  type CreatePumpRequest,
  type ExplantReason,
  type FleetPump,
  type Patient,
  type PumpModelId,
} from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { numberOrUndefined, validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { modelName } from '../../lib/format';
import { useSession } from '../auth/session-store';
import { canUseRoute } from '../auth/use-can';
import { FormActions } from '../../components/form-actions';
import { ClinicDateInput } from '../../components/clinic-date-input';

const SHOWN = [
  'patientId',
  'modelId',
  'serialNumber',
  'implantDate',
  'lowReservoirAlarmMl',
  'reservoirCapacityMl',
  'flowRateMlPerDay',
  'replacesPumpId',
  'explantReason',
];

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function AddPumpPage() {
  const navigate = useNavigate();
  const { user } = useSession();
  const [clinics, setClinics] = useState<Clinic[]>([]);
  const [clinicId, setClinicId] = useState('');
  const [patients, setPatients] = useState<Patient[]>([]);
  const [fleet, setFleet] = useState<FleetPump[]>([]);
  const [loadError, setLoadError] = useState<string | undefined>();

  const [patientId, setPatientId] = useState('');
  const [modelId, setModelId] = useState<PumpModelId>('synchromed-ii-20');
  const [serialNumber, setSerialNumber] = useState('');
  const [implantDate, setImplantDate] = useState(today);
  const [alarmMl, setAlarmMl] = useState(String(PUMP_MODELS['synchromed-ii-20'].defaultLowReservoirAlarmMl));
  const [alarmEdited, setAlarmEdited] = useState(false);
  const [capacityMl, setCapacityMl] = useState('');
  const [flowMlPerDay, setFlowMlPerDay] = useState('');
  const [replaces, setReplaces] = useState(false);
  const [explantReason, setExplantReason] = useState<ExplantReason>('replacement');
  const { errors, message, busy, refuse, send } = useFormSubmission();

  useEffect(() => {
    Promise.all([api.listClinics(), api.listPumps()]).then(
      ([c, f]) => {
        // Only clinics where the role may register a pump: the API would refuse the others.
        setClinics(c.filter((clinic) => canUseRoute(user, 'POST /api/pumps', clinic.id)));
        setFleet(f);
        const first = c.find((clinic) => canUseRoute(user, 'POST /api/pumps', clinic.id));
        if (first) setClinicId((current) => current || first.id);
      },
      (err: Error) => setLoadError(err.message),
    );
  }, [user]);

  useEffect(() => {
    if (!clinicId) return;
    api.listPatients(clinicId).then(
      (p) => setPatients([...p].sort((a, b) => a.displayName.localeCompare(b.displayName))),
      (err: Error) => setLoadError(err.message),
    );
  }, [clinicId]);

  // The patient's active pump, which the new one must replace (a patient has at most one active pump).
  const activePump = useMemo(() => fleet.find((f) => f.patient.id === patientId)?.pump, [fleet, patientId]);
  const model = PUMP_MODELS[modelId];
  const constantFlow = model.reservoirCapacityMl === null;

  function chooseModel(id: PumpModelId) {
    setModelId(id);
    if (!alarmEdited) setAlarmMl(String(PUMP_MODELS[id].defaultLowReservoirAlarmMl));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const request: CreatePumpRequest = {
      patientId,
      modelId,
      serialNumber,
      implantDate,
      lowReservoirAlarmMl: numberOrUndefined(alarmMl),
      reservoirCapacityMl: constantFlow ? numberOrUndefined(capacityMl) : undefined,
      flowRateMlPerDay: constantFlow ? numberOrUndefined(flowMlPerDay) : undefined,
      replacesPumpId: activePump && replaces ? activePump.id : undefined,
      explantReason: activePump && replaces ? explantReason : undefined,
    };
    const checked = validate(createPumpSchema, request);
    const fields = checked.ok ? {} : { ...checked.fields };
    if (activePump && !replaces)
      fields.replacesPumpId = `is required: the patient already has an active pump (serial ${activePump.serialNumber}); name it to replace it`;
    if (Object.keys(fields).length > 0) {
      refuse(fields);
      return;
    }
    await send(async () => {
      const pump = await api.createPump(request);
      navigate(`/pumps/${pump.id}`);
    });
  }

  return (
    <section aria-labelledby="add-pump-title">
      <title>Add pump — PumpWatch</title>
      <p className="crumbs">
        <Link to="/">← Fleet</Link>
      </p>
      <h1 id="add-pump-title">Add pump</h1>
      {loadError && (
        <p className="notice notice--error" role="alert">
          Could not load clinics or patients: {loadError}
        </p>
      )}
      <form className="panel form" onSubmit={submit} noValidate data-testid="add-pump-form">
        <FormErrorSummary message={message} fields={errors} shown={SHOWN} />
        <div className="form__grid">
          {clinics.length > 1 && (
            <FormField label="Clinic" name="clinicId">
              <select
                value={clinicId}
                onChange={(e) => {
                  setClinicId(e.target.value);
                  setPatientId('');
                }}
              >
                {clinics.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.timeZone})
                  </option>
                ))}
              </select>
            </FormField>
          )}
          <FormField label="Patient" name="patientId" error={errors.patientId}>
            <select
              value={patientId}
              onChange={(e) => {
                setPatientId(e.target.value);
                setReplaces(false);
              }}
              data-testid="patient-select"
            >
              <option value="">— choose a patient —</option>
              {patients.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.displayName} · MRN {p.mrn}
                </option>
              ))}
            </select>
          </FormField>
          <FormField label="Model" name="modelId" error={errors.modelId}>
            <select value={modelId} onChange={(e) => chooseModel(e.target.value as PumpModelId)}>
              {PUMP_MODEL_IDS.map((id) => (
                <option key={id} value={id}>
                  {PUMP_MODELS[id].name} ({PUMP_MODELS[id].manufacturer})
                </option>
              ))}
            </select>
          </FormField>
          <FormField label="Serial number" name="serialNumber" error={errors.serialNumber}>
            <input type="text" value={serialNumber} onChange={(e) => setSerialNumber(e.target.value)} autoComplete="off" />
          </FormField>
          <FormField label="Implant date" name="implantDate" error={errors.implantDate}>
            <ClinicDateInput
              value={implantDate}
              onChange={setImplantDate}
              clinicId={clinicId}
              timeZone={clinics.find((c) => c.id === clinicId)?.timeZone}
            />
          </FormField>
          <FormField
            label="Low-reservoir alarm (mL)"
            name="lowReservoirAlarmMl"
            error={errors.lowReservoirAlarmMl}
            hint={`model default ${model.defaultLowReservoirAlarmMl} mL`}
          >
            <input
              type="number"
              inputMode="decimal"
              step="any"
              value={alarmMl}
              onChange={(e) => {
                setAlarmMl(e.target.value);
                setAlarmEdited(true);
              }}
            />
          </FormField>
          {constantFlow && (
            <>
              <FormField
                label="Reservoir capacity (mL)"
                name="reservoirCapacityMl"
                error={errors.reservoirCapacityMl}
                hint="from the device label"
              >
                <input type="number" inputMode="decimal" step="any" value={capacityMl} onChange={(e) => setCapacityMl(e.target.value)} />
              </FormField>
              <FormField label="Flow rate (mL/day)" name="flowRateMlPerDay" error={errors.flowRateMlPerDay} hint="from the device label">
                <input
                  type="number"
                  inputMode="decimal"
                  step="any"
                  value={flowMlPerDay}
                  onChange={(e) => setFlowMlPerDay(e.target.value)}
                />
              </FormField>
            </>
          )}
        </div>
        <p className="muted small">{model.source}</p>
        {activePump && (
          <fieldset className="form__group" data-testid="replaces-group">
            <legend>Replaces the active pump</legend>
            <FormField
              label={`This pump replaces ${modelName(activePump.modelId)} SN ${activePump.serialNumber} (it will be explanted)`}
              name="replacesPumpId"
              error={errors.replacesPumpId}
            >
              <input type="checkbox" checked={replaces} onChange={(e) => setReplaces(e.target.checked)} />
            </FormField>
            {replaces && (
              <FormField label="Explant reason" name="explantReason" error={errors.explantReason}>
                <select value={explantReason} onChange={(e) => setExplantReason(e.target.value as ExplantReason)}>
                  {EXPLANT_REASONS.map((r) => (
                    <option key={r} value={r}>
                      {r.replace('_', ' ')}
                    </option>
                  ))}
                </select>
              </FormField>
            )}
          </fieldset>
        )}
        <FormActions busy={busy} label="Add pump" testId="submit-pump">
          <Link to="/" className="button button--quiet">
            Cancel
          </Link>
        </FormActions>
      </form>
    </section>
  );
}
