// The header's navigation: the pages watched all day in the first row, the clinic's administration in a second, and the
// critical-alerts count a phone keeps in its bar. Links only to what the role may do; the API refuses the rest anyway.
import { Link, NavLink } from 'react-router-dom';
import { useCan } from '../auth/use-can';
import { useUnacknowledgedCriticalIds } from '../alerts/alert-watcher';

/** Fleet, alerts (with the critical ones still open), patients, scheduler: every role's daily pages. */
export function PrimaryNav() {
  const mayReadAlerts = useCan('GET /api/alerts');
  const mayReadSchedule = useCan('GET /api/appointments');
  const mayReadPatients = useCan('GET /api/patients');
  const critical = useUnacknowledgedCriticalIds().length;
  return (
    <nav aria-label="Main" className="main-nav main-nav--primary">
      <NavLink to="/" end data-testid="nav-fleet">
        Fleet
      </NavLink>
      {mayReadAlerts && (
        <NavLink to="/alerts" data-testid="nav-alerts">
          Alerts
          {critical > 0 && (
            <span className="nav-count" data-testid="nav-alerts-critical">
              <span aria-hidden="true">⚠</span> {critical} critical<span className="visually-hidden"> open</span>
            </span>
          )}
        </NavLink>
      )}
      {mayReadPatients && (
        <NavLink to="/patients" data-testid="nav-patients">
          Patients
        </NavLink>
      )}
      {mayReadSchedule && (
        <NavLink to="/scheduler" data-testid="nav-scheduler">
          Scheduler
        </NavLink>
      )}
    </nav>
  );
}

/** On call, clinicians, adding a pump and the administrators' pages; nothing when the role has none of them. */
export function AdminNav() {
  const mayAddPump = useCan('POST /api/pumps');
  const mayManageUsers = useCan('GET /api/users');
  const mayManageTokens = useCan('GET /api/machine-tokens');
  const mayReadAudit = useCan('GET /api/audit');
  const mayManageFeeds = useCan('GET /api/calendar-feeds');
  const mayReadRoster = useCan('GET /api/on-call-shifts');
  const mayReadClinicians = useCan('GET /api/clinicians');
  const mayChangeSettings = useCan('PATCH /api/clinics/:id/settings');
  const mayImport = useCan('POST /api/clinics/:id/imports');
  if (
    ![
      mayImport,
      mayAddPump,
      mayManageUsers,
      mayManageTokens,
      mayReadAudit,
      mayManageFeeds,
      mayReadRoster,
      mayReadClinicians,
      mayChangeSettings,
    ].some(Boolean)
  )
    return null;
  return (
    <nav aria-label="Administration" className="main-nav main-nav--admin">
      {mayReadRoster && (
        <NavLink to="/on-call" data-testid="nav-on-call">
          On call
        </NavLink>
      )}
      {mayReadClinicians && (
        <NavLink to="/clinicians" data-testid="nav-clinicians">
          Clinicians
        </NavLink>
      )}
      {mayAddPump && (
        <NavLink to="/pumps/new" data-testid="nav-add-pump">
          Add pump
        </NavLink>
      )}
      {mayImport && (
        <NavLink to="/import" data-testid="nav-import">
          Import
        </NavLink>
      )}
      {mayManageUsers && (
        <NavLink to="/admin/users" data-testid="nav-admin-users">
          Users
        </NavLink>
      )}
      {mayManageTokens && (
        <NavLink to="/admin/machine-tokens" data-testid="nav-admin-machine-tokens">
          Machine tokens
        </NavLink>
      )}
      {mayManageFeeds && (
        <NavLink to="/admin/calendar-feeds" data-testid="nav-admin-calendar-feeds">
          Calendar feeds
        </NavLink>
      )}
      {mayReadAudit && (
        <NavLink to="/admin/audit" data-testid="nav-admin-audit">
          Audit trail
        </NavLink>
      )}
      {mayChangeSettings && (
        <NavLink to="/admin/settings" data-testid="nav-admin-settings">
          Settings
        </NavLink>
      )}
    </nav>
  );
}

/** The phone bar's count, always in sight (a night nurse must see it without opening the menu): a link to the alerts page. */
export function CriticalCount() {
  const mayReadAlerts = useCan('GET /api/alerts');
  const critical = useUnacknowledgedCriticalIds().length;
  if (!mayReadAlerts) return null;
  return (
    <Link
      to="/alerts"
      className={`critical-count${critical > 0 ? ' critical-count--open' : ''}`}
      data-testid="header-critical-count"
      data-count={critical}
      // The visible '0 critical' stays part of the name (axe label-content-name-mismatch, WCAG 2.5.3 Label in Name).
      aria-label={`${critical} critical ${critical === 1 ? 'alert' : 'alerts'} open`}
    >
      <span aria-hidden="true">{critical > 0 ? '⚠' : '✓'}</span> {critical}
      <span className="critical-count__word"> critical</span>
    </Link>
  );
}
