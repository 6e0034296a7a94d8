// One alert: severity by icon, text and colour, kind, patient and pump, age, count, status, who acknowledged, actions; the "new"
// mark of a critical raise nobody looked at yet. Alone it is a card; inside an incident it is one of the card's reasons.
import { AppLink } from '../../components/app-link';
import type { Alert, AlertSeverity, Page, PumpModelId } from '@pumpwatch/shared';
import { formatInstant, modelName } from '../../lib/format';
import { ALERT_KIND_TEXT, ALERT_SEVERITY_LABEL, ALERT_STATUS_TEXT, formatAge } from './alert-labels';
import { AlertActions } from './alert-actions';
import { AlertPagesDisclosure } from './alert-pages';
import { WithdrawalChecklistView } from './withdrawal-checklist';
import { useCan } from '../auth/use-can';

/** A critical raise nobody looked at in this browser yet: in words and an icon, not colour alone. */
export function NewMark() {
  return (
    <span className="alert-new" data-testid="alert-new">
      <span aria-hidden="true">✦</span> NEW
    </span>
  );
}

export function AlertSeverityBadge({ severity }: { severity: AlertSeverity }) {
  const { icon, text } = ALERT_SEVERITY_LABEL[severity];
  return (
    <span className={`badge badge--alert-${severity}`} data-testid="alert-severity" data-severity={severity}>
      <span aria-hidden="true">{icon}</span> {text}
    </span>
  );
}

interface AlertItemProps {
  alert: Alert;
  timeZone: string;
  nowMs: number;
  snoozedUntil: string | null;
  pageToMe: Page | undefined;
  /** Fleet page: one dense card, the checklist and paging behind a disclosure; /alerts shows everything open. */
  compact?: boolean;
  /** One reason of an incident card: the patient and pump are named on the card. */
  nested?: boolean;
  /** The incident card already shows this title as its heading: kept for screen readers, not repeated on screen. */
  titleOnCard?: boolean;
  isNew?: boolean;
  onAnnounce: (text: string) => void;
}

/** Who an alert is about: the patient (linked to the pump page, or the patient page for a patient alert), MRN, pump. */
export function AlertWho({ alert }: { alert: Alert }) {
  const { patient, pump } = alert;
  return (
    <span className="alert-item__who">
      {pump ? (
        <AppLink to={`/pumps/${pump.id}`} data-testid="alert-patient-link">
          {patient.displayName}
        </AppLink>
      ) : (
        // A patient alert (clinical safety) opens the patient page.
        <AppLink to={`/patients/${patient.id}`} data-testid="alert-patient">
          {patient.displayName}
        </AppLink>
      )}
      <span className="muted"> · MRN {patient.mrn}</span>
      {pump && (
        <span className="muted">
          {' '}
          · {modelName(pump.modelId as PumpModelId)} SN {pump.serialNumber}
        </span>
      )}
    </span>
  );
}

export function AlertItem({
  alert,
  timeZone,
  nowMs,
  snoozedUntil,
  pageToMe,
  compact = false,
  nested = false,
  titleOnCard = false,
  isNew = false,
  onAnnounce,
}: AlertItemProps) {
  const titleId = `alert-title-${alert.id}`;
  // Warnings never page; the others show their paging when the role may read it.
  const showPaging = useCan('GET /api/alerts/:id/pages', alert.clinicId) && alert.severity !== 'warning';
  const who = nested ? null : <AlertWho alert={alert} />;
  const reRaised = formatInstant(alert.lastRaisedAt, timeZone) !== formatInstant(alert.firstRaisedAt, timeZone);
  const when = (
    <span className="muted">
      <span data-testid="alert-age">waiting {formatAge(alert.firstRaisedAt, nowMs)}</span>
      {!compact && <> (raised {formatInstant(alert.firstRaisedAt, timeZone)})</>}
      {reRaised && <span data-testid="alert-reraised"> · raised again {formatInstant(alert.lastRaisedAt, timeZone)}</span>}
      {' · '}
      <span data-testid="alert-count">
        seen {alert.fireCount}×{alert.fireCount > 1 ? `, last ${formatInstant(alert.lastSeenAt, timeZone)}` : ''}
      </span>
    </span>
  );
  const extras = (
    <>
      {alert.conditionClearedAt && (
        <p className="alert-item__cleared">
          The condition cleared at {formatInstant(alert.conditionClearedAt, timeZone)}; a withdrawal-risk alert still waits for a clinician
          to check the patient and resolve it with a note.
        </p>
      )}
      {alert.withdrawal && <WithdrawalChecklistView checklist={alert.withdrawal} alertId={alert.id} />}
      {showPaging && <AlertPagesDisclosure alertId={alert.id} timeZone={timeZone} />}
    </>
  );
  return (
    <div
      className={`alert-item alert-item--${alert.severity} alert-item--${alert.status}${compact ? ' alert-item--compact' : ''}${nested ? ' alert-item--nested' : ''}${isNew ? ' alert-item--new' : ''}`}
      role="group"
      aria-labelledby={titleId}
      data-testid="alert-item"
      data-alert-id={alert.id}
      data-kind={alert.kind}
      data-severity={alert.severity}
      data-status={alert.status}
      data-pump-id={alert.pumpId ?? ''}
      data-new={isNew}
    >
      <div className="alert-item__head">
        {isNew && <NewMark />}
        <AlertSeverityBadge severity={alert.severity} />
        <span className="alert-item__kind" data-testid="alert-kind">
          {ALERT_KIND_TEXT[alert.kind]}
        </span>
        <span className={`alert-status alert-status--${alert.status}`} data-testid="alert-status">
          <span aria-hidden="true">{alert.status === 'open' ? '● ' : '✓ '}</span>
          {ALERT_STATUS_TEXT[alert.status]}
        </span>
        {snoozedUntil && <span className="alert-item__snoozed">snoozed by you until {formatInstant(snoozedUntil, timeZone)}</span>}
        {compact && who}
        {(compact || nested) && when}
      </div>
      <h3 id={titleId} className={`alert-item__title${titleOnCard ? ' visually-hidden' : ''}`} tabIndex={-1}>
        {alert.title}
      </h3>
      <p className="alert-item__message">{alert.message}</p>
      {!compact && !nested && <p className="alert-item__meta">{who}</p>}
      {!compact && !nested && <p className="alert-item__meta">{when}</p>}
      {alert.acknowledgedAt && alert.acknowledgedBy && (
        <p className="alert-item__ack" data-testid="alert-acknowledged-by">
          <span aria-hidden="true">✓ </span>
          Acknowledged by <strong>{alert.acknowledgedBy.label}</strong> at {formatInstant(alert.acknowledgedAt, timeZone)}
          {alert.acknowledgementNote && <>: “{alert.acknowledgementNote}”</>}
        </p>
      )}
      {pageToMe && (
        <p className="notice notice--warn alert-item__paged" data-testid="alert-paged-me">
          <span aria-hidden="true">☎ </span>You were paged for this alert at{' '}
          {formatInstant(pageToMe.sentAt ?? pageToMe.createdAt, timeZone)}.
        </p>
      )}
      <AlertActions alert={alert} onAnnounce={onAnnounce} />
      {compact || nested
        ? (alert.withdrawal || alert.conditionClearedAt || showPaging) && (
            <details className="alert-item__details">
              <summary>{alert.withdrawal ? 'Withdrawal checklist: early signs and risk factors' : 'Details'}</summary>
              <p className="alert-item__meta muted">Raised {formatInstant(alert.firstRaisedAt, timeZone)}</p>
              {extras}
            </details>
          )
        : extras}
    </div>
  );
}
