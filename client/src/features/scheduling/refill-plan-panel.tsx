// Fleet planner preview: propose refills for a date range, review timing and totals and the pumps that did not fit, then book the kept ones.
import { useId, useState, type FormEvent } from 'react';
import {
  refillPlanRequestSchema,
  type AppointmentResponse,
  type Clinician,
  type FleetPump,
  type RefillPlanProposal,
} from '@pumpwatch/shared';
import { formatInstant } from '../../lib/format';
import { validate } from '../../lib/form-errors';
import { FormField } from '../../components/form-field';
import { TIMING_LABEL, UNPLACED_REASON_TEXT } from './booking-labels';
import { TimingBadge } from './booking-status';
import { EmergencyList } from './emergency-list';
import { FailureNotice, toSchedulingFailure, type SchedulingFailure } from './scheduling-failure';
import { schedulingApi } from './scheduling-api';
import { addDays, startOfLocalDay } from './scheduling-time';
import { ClinicDateInput } from '../../components/clinic-date-input';

/** The planner's default horizon: four weeks ahead covers the next round of refills of most pumps. */
const DEFAULT_PLAN_DAYS = 28;

interface RefillPlanPanelProps {
  timeZone: string;
  today: string;
  clinicians: Clinician[];
  rowsByPump: Map<string, FleetPump>;
  mayPlan: boolean;
  onBooked: (booked: AppointmentResponse[]) => void;
}

export function RefillPlanPanel({ timeZone, today, clinicians, rowsByPump, mayPlan, onBooked }: RefillPlanPanelProps) {
  const [fromDate, setFromDate] = useState(today);
  const [toDate, setToDate] = useState(() => addDays(today, DEFAULT_PLAN_DAYS));
  const [chosen, setChosen] = useState<Set<string>>(() => new Set());
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [proposal, setProposal] = useState<RefillPlanProposal | null>(null);
  /** Indexes of the proposals to book: late ones start unticked (a plan is booked without override reasons). */
  const [kept, setKept] = useState<Set<number>>(() => new Set());
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<SchedulingFailure | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const clinicianName = (id: string) => clinicians.find((c) => c.id === id)?.displayName ?? 'unknown clinician';
  const patientName = (pumpId: string) => rowsByPump.get(pumpId)?.patient.displayName ?? 'unknown patient';
  const groupId = useId();

  async function propose(e: FormEvent) {
    e.preventDefault();
    setDone(undefined);
    setFailure(undefined);
    // Whole local days: from the start of the first day to the end of the last one.
    const request = {
      from: /^\d{4}-\d{2}-\d{2}$/.test(fromDate) ? startOfLocalDay(fromDate, timeZone) : fromDate,
      to: /^\d{4}-\d{2}-\d{2}$/.test(toDate) ? startOfLocalDay(addDays(toDate, 1), timeZone) : toDate,
      clinicianIds: chosen.size > 0 ? [...chosen] : undefined,
    };
    const checked = validate(refillPlanRequestSchema, request);
    if (!checked.ok) {
      setFieldErrors(checked.fields);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      const answer = await schedulingApi.proposePlan(checked.value);
      setProposal(answer);
      setKept(new Set(answer.proposals.flatMap((p, i) => (p.timing === 'on_time' ? [i] : []))));
    } catch (err) {
      const f = toSchedulingFailure(err);
      setFieldErrors(f.fields);
      setFailure(f);
    } finally {
      setBusy(false);
    }
  }

  async function confirm() {
    if (!proposal) return;
    const appointments = proposal.proposals
      .filter((_, i) => kept.has(i))
      .map((p) => ({ pumpId: p.pumpId, clinicianId: p.clinicianId, startsAt: p.startsAt }));
    setBusy(true);
    setFailure(undefined);
    try {
      const { booked } = await schedulingApi.confirmPlan({ appointments });
      setProposal(null);
      setDone(`Booked ${booked.length} appointment${booked.length === 1 ? '' : 's'}.`);
      onBooked(booked);
    } catch (err) {
      setFailure(toSchedulingFailure(err));
    } finally {
      setBusy(false);
    }
  }

  const toggle = (i: number) =>
    setKept((prev) => {
      const next = new Set(prev);
      if (next.has(i)) next.delete(i);
      else next.add(i);
      return next;
    });

  return (
    <section className="panel" aria-labelledby="plan-title" data-testid="refill-plan">
      <h2 id="plan-title">Fleet refill plan</h2>
      <p className="muted">
        Proposes a refill for every pump whose booking deadline falls before the end of the range and that has none booked, within the
        clinicians' availability; nothing is booked until you confirm.
      </p>
      {mayPlan ? (
        <form className="form" onSubmit={propose} noValidate data-testid="plan-form">
          <div className="form__row">
            <FormField label={`From (${timeZone})`} name="from" error={fieldErrors.from}>
              <ClinicDateInput value={fromDate} onChange={setFromDate} timeZone={timeZone} data-testid="plan-from" />
            </FormField>
            <FormField label="To (inclusive)" name="to" error={fieldErrors.to}>
              <ClinicDateInput value={toDate} onChange={setToDate} timeZone={timeZone} data-testid="plan-to" />
            </FormField>
            <button type="submit" className="button button--primary" disabled={busy} data-testid="plan-propose">
              {busy && !proposal ? 'Planning…' : 'Propose plan'}
            </button>
          </div>
          {clinicians.length > 0 && (
            <fieldset className="form__group" aria-describedby={`${groupId}-hint`}>
              <legend>Clinicians</legend>
              <p className="field__hint" id={`${groupId}-hint`}>
                None ticked: every clinician of the clinic.
              </p>
              <div className="plan-clinicians">
                {clinicians.map((c) => (
                  <label key={c.id}>
                    <input
                      type="checkbox"
                      checked={chosen.has(c.id)}
                      onChange={(e) =>
                        setChosen((prev) => {
                          const next = new Set(prev);
                          if (e.target.checked) next.add(c.id);
                          else next.delete(c.id);
                          return next;
                        })
                      }
                    />
                    {c.displayName}
                  </label>
                ))}
              </div>
              {fieldErrors.clinicianIds && <p className="field__error">{fieldErrors.clinicianIds}</p>}
            </fieldset>
          )}
        </form>
      ) : (
        <p className="muted">Your role may view the schedule but not plan or book.</p>
      )}
      {failure && <FailureNotice failure={failure} testId="plan-error" />}
      {done && (
        <p className="notice notice--ok" role="status" data-testid="plan-booked">
          {done}
        </p>
      )}
      {proposal && (
        <div data-testid="plan-proposal">
          {/* Left out of the plan on purpose: a pump whose delivery is interrupted needs help now, not a slot. */}
          <EmergencyList emergencies={proposal.emergencies ?? []} testId="plan-emergencies" heading="Not planned: delivery interrupted" />
          <dl className="plan-summary" aria-label="Plan totals">
            <div>
              <dt>Placed</dt>
              <dd data-testid="plan-placed">{proposal.summary.placed}</dd>
            </div>
            <div>
              <dt>On time</dt>
              <dd>{proposal.summary.onTime}</dd>
            </div>
            <div>
              <dt>After margin</dt>
              <dd>{proposal.summary.afterMargin}</dd>
            </div>
            <div>
              <dt>After deadline</dt>
              <dd>{proposal.summary.afterDeadline}</dd>
            </div>
            <div>
              <dt>Could not fit</dt>
              <dd data-testid="plan-unplaced-count">{proposal.summary.unplaced}</dd>
            </div>
            <div>
              <dt>Drug days wasted</dt>
              <dd>{proposal.summary.totalDrugDaysWasted.toFixed(2)}</dd>
            </div>
          </dl>
          {proposal.proposals.length > 0 ? (
            <div className="table-wrap" tabIndex={0}>
              <table data-testid="plan-table">
                <caption className="caption">Proposed appointments (times in {timeZone})</caption>
                <thead>
                  <tr>
                    <th scope="col">Book</th>
                    <th scope="col">Patient</th>
                    <th scope="col">Refill deadline</th>
                    <th scope="col">Proposed start</th>
                    <th scope="col">Clinician</th>
                    <th scope="col">Timing</th>
                    <th scope="col" className="num">
                      Drug days wasted
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {proposal.proposals.map((p, i) => {
                    const late = TIMING_LABEL[p.timing].late;
                    return (
                      <tr
                        key={p.pumpId}
                        className={late ? 'plan-row--late' : undefined}
                        data-testid="plan-row"
                        data-pump-id={p.pumpId}
                        data-timing={p.timing}
                      >
                        <td>
                          <input
                            type="checkbox"
                            checked={kept.has(i)}
                            onChange={() => toggle(i)}
                            aria-label={`Book ${patientName(p.pumpId)} at ${formatInstant(p.startsAt, timeZone)}`}
                          />
                        </td>
                        <td>{patientName(p.pumpId)}</td>
                        <td>{formatInstant(p.refillDeadline, timeZone)}</td>
                        <td>{formatInstant(p.startsAt, timeZone)}</td>
                        <td>{clinicianName(p.clinicianId)}</td>
                        <td>
                          <TimingBadge timing={p.timing} always />
                        </td>
                        <td className="num">{p.drugDaysWasted.toFixed(2)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="notice">The planner proposes no appointment in this range.</p>
          )}
          {proposal.proposals.some((p) => TIMING_LABEL[p.timing].late) && (
            <p className="muted">
              Late proposals start unticked: a plan books without override reasons, so book those one by one from “Needs booking”, giving
              the reason.
            </p>
          )}
          {proposal.unplaced.length > 0 && (
            <div className="table-wrap" tabIndex={0}>
              <table data-testid="plan-unplaced">
                <caption className="caption">Pumps the plan could not fit ({proposal.unplaced.length})</caption>
                <thead>
                  <tr>
                    <th scope="col">Patient</th>
                    <th scope="col">Refill deadline</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {proposal.unplaced.map((u) => (
                    <tr key={u.pumpId} data-testid="plan-unplaced-row" data-pump-id={u.pumpId}>
                      <td>{patientName(u.pumpId)}</td>
                      <td>{formatInstant(u.refillDeadline, timeZone)}</td>
                      <td>{UNPLACED_REASON_TEXT[u.reason] ?? u.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="form__actions">
            <button
              type="button"
              className="button button--primary"
              onClick={() => void confirm()}
              disabled={busy || kept.size === 0}
              data-testid="plan-confirm"
            >
              {busy ? 'Booking…' : `Confirm and book ${kept.size} appointment${kept.size === 1 ? '' : 's'}`}
            </button>
            <button type="button" className="button button--quiet" onClick={() => setProposal(null)} disabled={busy}>
              Discard the proposal
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
