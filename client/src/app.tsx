// Dashboard shell: skip link, disconnected banner, the header (features/shell: navigation for what the role may do) and the routes.
import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { Link, Route, Routes, useLocation } from 'react-router-dom';
import { queryClient } from './lib/query-client';
import { forgetFleetPatches } from './features/fleet/fleet-live';
import { fleetQueryKeyOf } from './features/fleet/fleet-cache';
import { FleetPage } from './features/fleet/fleet-page';
import { AddPumpPage } from './features/pumps/add-pump-page';
import { SignInPage } from './features/auth/sign-in-page';
import { ChangePasswordPage } from './features/auth/change-password-page';
import { RequireCapability, RequireSession } from './features/auth/require-session';
import { clinicScopeKey, useSession } from './features/auth/session-store';
import { DisconnectedBanner } from './components/disconnected-banner';
import { PageErrorBoundary } from './components/page-error-boundary';
import { AppLinkProvider } from './components/app-link';
import { AlertWatcher } from './features/alerts/alert-watcher';
import { AppHeader } from './features/shell/app-header';
import { AlertsPage } from './features/alerts/alerts-page';

// The pump page (charts), the scheduler and the admin pages load on first visit: the fleet, the page watched all day, comes first.
const PumpPage = lazy(() => import('./features/pumps/pump-page').then((m) => ({ default: m.PumpPage })));
const UsersPage = lazy(() => import('./features/admin/users-page').then((m) => ({ default: m.UsersPage })));
const MachineTokensPage = lazy(() => import('./features/admin/machine-tokens-page').then((m) => ({ default: m.MachineTokensPage })));
const AuditPage = lazy(() => import('./features/admin/audit-page').then((m) => ({ default: m.AuditPage })));
const PatientPage = lazy(() => import('./features/clinical-safety/patient-page').then((m) => ({ default: m.PatientPage })));
const PatientsPage = lazy(() => import('./features/patients/patients-page').then((m) => ({ default: m.PatientsPage })));
const AddPatientPage = lazy(() => import('./features/patients/patient-edit-pages').then((m) => ({ default: m.AddPatientPage })));
const EditPatientPage = lazy(() => import('./features/patients/patient-edit-pages').then((m) => ({ default: m.EditPatientPage })));
const CalendarFeedsPage = lazy(() => import('./features/admin/calendar-feeds-page').then((m) => ({ default: m.CalendarFeedsPage })));
const ClinicianAvailabilityPage = lazy(() =>
  import('./features/scheduling/clinician-availability-page').then((m) => ({ default: m.ClinicianAvailabilityPage })),
);
const SchedulerPage = lazy(() => import('./features/scheduling/scheduler-page').then((m) => ({ default: m.SchedulerPage })));
const CliniciansPage = lazy(() => import('./features/clinicians/clinicians-page').then((m) => ({ default: m.CliniciansPage })));
const OnCallPage = lazy(() => import('./features/on-call/on-call-page').then((m) => ({ default: m.OnCallPage })));
const EscalationPage = lazy(() => import('./features/on-call/escalation-page').then((m) => ({ default: m.EscalationPage })));
const SettingsPage = lazy(() => import('./features/settings/settings-page').then((m) => ({ default: m.SettingsPage })));
const ImportPage = lazy(() => import('./features/imports/import-page').then((m) => ({ default: m.ImportPage })));

const notFound = (
  <p className="notice">
    Page not found. <Link to="/">Back to the fleet</Link>
  </p>
);

/**
 * Leaving a page that failed to load lets the next one try. Only this frame reads the location: the shell around it (header, alert
 * watcher) does not re-render when a page changes its query (the fleet filter keeps its text, chip and order in the URL).
 */
function PageFrame({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  return <PageErrorBoundary resetKey={pathname}>{children}</PageErrorBoundary>;
}

export function App() {
  const { user } = useSession();
  // Until a forced password change is done, only the user menu is offered: every other page is refused.
  const fullyIn = user !== null && !user.mustChangePassword;
  // Signed out, or another user signed in from this tab: nothing read for the last user stays in memory or reaches the next one.
  const userId = user?.id ?? null;
  const previousUserId = useRef(userId);
  useEffect(() => {
    const previous = previousUserId.current;
    previousUserId.current = userId;
    if (previous === userId || previous === null) return;
    // A switch keeps the new user's reads, which may already be on their way.
    if (userId === null) queryClient.clear();
    else queryClient.removeQueries({ queryKey: fleetQueryKeyOf(previous) });
    forgetFleetPatches();
  }, [userId]);
  // Given or changed a clinic role (the same user): every view re-reads, so a clinic just given shows its pumps and alerts at once.
  const scope = clinicScopeKey(user);
  const previousScope = useRef(scope);
  useEffect(() => {
    const previous = previousScope.current;
    previousScope.current = scope;
    if (previous === scope || previous === '' || scope === '') return;
    void queryClient.invalidateQueries();
  }, [scope]);
  return (
    <AppLinkProvider>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {fullyIn && <AlertWatcher userId={user.id} />}
      <div className="app-top">
        {/* First on the page and outside the header's flow: a lost connection must be seen, whatever page is open. */}
        {fullyIn && <DisconnectedBanner />}
        {/* Logo, daily pages, who is on call now, live state, alarm mute, user; on a phone one bar and a menu (features/shell). */}
        <AppHeader fullyIn={fullyIn} />
      </div>
      <main id="main" className="app-main">
        <PageFrame>
          <Suspense
            fallback={
              <p className="notice" role="status">
                Loading…
              </p>
            }
          >
            <Routes>
              <Route path="/sign-in" element={<SignInPage />} />
              <Route element={<RequireSession />}>
                <Route path="/" element={<FleetPage />} />
                <Route
                  path="/alerts"
                  element={
                    <RequireCapability route="GET /api/alerts">
                      <AlertsPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/scheduler"
                  element={
                    <RequireCapability route="GET /api/appointments">
                      <SchedulerPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/scheduler/clinicians/:id"
                  element={
                    <RequireCapability route="GET /api/clinicians/:id/availability">
                      <ClinicianAvailabilityPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/import"
                  element={
                    <RequireCapability route="POST /api/clinics/:id/imports">
                      <ImportPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/pumps/new"
                  element={
                    <RequireCapability route="POST /api/pumps">
                      <AddPumpPage />
                    </RequireCapability>
                  }
                />
                <Route path="/pumps/:id" element={<PumpPage />} />
                <Route
                  path="/patients"
                  element={
                    <RequireCapability route="GET /api/patients">
                      <PatientsPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/patients/new"
                  element={
                    <RequireCapability route="POST /api/patients">
                      <AddPatientPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/patients/:id"
                  element={
                    <RequireCapability route="GET /api/patients/:id">
                      <PatientPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/patients/:id/edit"
                  element={
                    <RequireCapability route="PATCH /api/patients/:id">
                      <EditPatientPage />
                    </RequireCapability>
                  }
                />
                <Route path="/account/password" element={<ChangePasswordPage />} />
                <Route
                  path="/admin/users"
                  element={
                    <RequireCapability route="GET /api/users">
                      <UsersPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/admin/machine-tokens"
                  element={
                    <RequireCapability route="GET /api/machine-tokens">
                      <MachineTokensPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/admin/calendar-feeds"
                  element={
                    <RequireCapability route="GET /api/calendar-feeds">
                      <CalendarFeedsPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/clinicians"
                  element={
                    <RequireCapability route="GET /api/clinicians">
                      <CliniciansPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/on-call"
                  element={
                    <RequireCapability route="GET /api/on-call-shifts">
                      <OnCallPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/on-call/escalation"
                  element={
                    <RequireCapability route="GET /api/clinics/:id/escalation-policy">
                      <EscalationPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/admin/audit"
                  element={
                    <RequireCapability route="GET /api/audit">
                      <AuditPage />
                    </RequireCapability>
                  }
                />
                <Route
                  path="/admin/settings"
                  element={
                    <RequireCapability route="PATCH /api/clinics/:id/settings">
                      <SettingsPage />
                    </RequireCapability>
                  }
                />
                <Route path="*" element={notFound} />
              </Route>
            </Routes>
          </Suspense>
        </PageFrame>
      </main>
    </AppLinkProvider>
  );
}
