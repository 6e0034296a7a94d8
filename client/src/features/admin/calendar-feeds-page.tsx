// Calendar feeds page (/admin/calendar-feeds): iCalendar links of a clinician's appointments; the link is shown once, revoked at will.
import { useState, type FormEvent } from 'react';
import { createCalendarFeedSchema, type Clinician } from '@pumpwatch/shared';
import { FormActions } from '../../components/form-actions';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { validate } from '../../lib/form-errors';
import { formatInstant } from '../../lib/format';
import { useFormSubmission } from '../../lib/use-form-submission';
import { useSession } from '../auth/session-store';
import { canUseRoute } from '../auth/use-can';
import { useClinics } from '../clinics/use-clinics';
import { schedulingApi, type CalendarFeed, type CreatedCalendarFeed } from '../scheduling/scheduling-api';
import { RevocableSecretCells } from './revocable-secret-cells';
import { ShownOnceSecret } from './shown-once-secret';
import { useLoaded } from './use-loaded';
import { ClinicPicker } from './clinic-picker';

/** The link of a feed just created carries its secret, shown once (the server keeps only its hash). */
function NewFeedUrl({ feed, onDone }: { feed: CreatedCalendarFeed; onDone: () => void }) {
  return (
    <ShownOnceSecret
      label="Calendar feed link"
      noun="link"
      value={`${location.origin}${feed.path}`}
      testId="new-feed-url"
      valueTestId="new-feed-value"
      onDone={onDone}
    >
      <strong>Copy the link of “{feed.name}” now.</strong> It is shown only this once and cannot be retrieved later. Paste it into the
      calendar app as a subscription; anyone with the link sees the appointments, so if it leaks, revoke it and create another.
    </ShownOnceSecret>
  );
}

function CreateFeedForm({ clinicians, onCreated }: { clinicians: Clinician[]; onCreated: (feed: CreatedCalendarFeed) => void }) {
  const [clinicianId, setClinicianId] = useState('');
  const [name, setName] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();
  const chosen = clinicianId || clinicians[0]?.id || '';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(createCalendarFeedSchema, { clinicianId: chosen, name });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      const created = await schedulingApi.createCalendarFeed(checked.value);
      setName('');
      onCreated(created);
    });
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="create-feed-form" aria-labelledby="create-feed-title">
      <h2 id="create-feed-title">Create a feed</h2>
      <FormErrorSummary message={message} fields={errors} shown={['clinicianId', 'name']} />
      <FormField label="Clinician" name="clinicianId" error={errors.clinicianId}>
        <select value={chosen} onChange={(e) => setClinicianId(e.target.value)} data-testid="feed-clinician">
          {clinicians.map((c) => (
            <option key={c.id} value={c.id}>
              {c.displayName}
            </option>
          ))}
        </select>
      </FormField>
      <FormField label="Name" name="name" error={errors.name} hint="where it is used, e.g. “Nora's phone calendar”">
        <input
          type="text"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={200}
          autoComplete="off"
          data-testid="feed-name"
        />
      </FormField>
      <FormActions busy={busy} label="Create feed" testId="submit-feed" busyLabel="Creating…" />
    </form>
  );
}

function FeedRow({
  feed,
  clinicianName,
  timeZone,
  onRevoked,
}: {
  feed: CalendarFeed;
  clinicianName: string;
  timeZone: string;
  onRevoked: () => void;
}) {
  return (
    <tr data-testid="feed-row" data-feed-id={feed.id} data-revoked={feed.revokedAt !== null}>
      <td>{feed.name}</td>
      <td>{clinicianName}</td>
      <td>{formatInstant(feed.createdAt, timeZone)}</td>
      <RevocableSecretCells
        name={feed.name}
        lastUsedAt={feed.lastUsedAt}
        revokedAt={feed.revokedAt}
        timeZone={timeZone}
        noun="feed"
        consequence="Calendars subscribed to it stop updating."
        revoke={() => schedulingApi.revokeCalendarFeed(feed.id)}
        onRevoked={onRevoked}
      />
    </tr>
  );
}

export function CalendarFeedsPage() {
  const { user } = useSession();
  const { clinics, error: clinicsError } = useClinics(user?.id);
  const administered = clinics.filter((c) => canUseRoute(user, 'GET /api/calendar-feeds', c.id));
  const [chosenClinicId, setChosenClinicId] = useState('');
  const clinic = administered.find((c) => c.id === chosenClinicId) ?? administered[0];
  const clinicId = clinic?.id ?? '';
  const feeds = useLoaded(`feeds:${clinicId}`, (signal) =>
    clinicId ? schedulingApi.listCalendarFeeds(clinicId, signal) : Promise.resolve([]),
  );
  const clinicians = useLoaded(`feed-clinicians:${clinicId}`, (signal) =>
    clinicId ? schedulingApi.listClinicians(clinicId, signal) : Promise.resolve([]),
  );
  const [created, setCreated] = useState<CreatedCalendarFeed | null>(null);
  const names = new Map((clinicians.data ?? []).map((c) => [c.id, c.displayName]));
  const activeClinicians = (clinicians.data ?? []).filter((c) => c.active).sort((a, b) => a.displayName.localeCompare(b.displayName));
  const rows = [...(feeds.data ?? [])].sort(
    (a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt),
  );
  const error = feeds.error ?? clinicians.error ?? clinicsError;

  return (
    <section aria-labelledby="feeds-title" data-testid="calendar-feeds-page">
      <title>Calendar feeds — PumpWatch</title>
      <h1 id="feeds-title">Calendar feeds</h1>
      <p className="muted">A clinician's refill appointments as an iCalendar subscription for their phone or mail calendar.</p>
      {error && (
        <p className="notice notice--error" role="alert">
          Could not load the feeds: {error}
        </p>
      )}
      <ClinicPicker
        clinics={administered}
        value={clinicId}
        onChange={(id) => {
          setCreated(null);
          setChosenClinicId(id);
        }}
        testId="feeds-clinic"
      />
      {clinic && (
        <>
          {created && <NewFeedUrl feed={created} onDone={() => setCreated(null)} />}
          <div className="table-wrap" tabIndex={0}>
            <table data-testid="feeds-table" aria-busy={feeds.loading}>
              <caption className="caption">Feeds of {clinic.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Clinician</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((f) => (
                  <FeedRow
                    key={f.id}
                    feed={f}
                    clinicianName={names.get(f.clinicianId) ?? '—'}
                    timeZone={clinic.timeZone}
                    onRevoked={feeds.reload}
                  />
                ))}
                {feeds.data && rows.length === 0 && (
                  <tr>
                    <td colSpan={6} className="empty">
                      No calendar feeds for this clinic yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          {clinicians.data && activeClinicians.length === 0 ? (
            <p className="notice notice--warn">This clinic has no active clinicians: a feed belongs to one clinician.</p>
          ) : (
            <CreateFeedForm
              key={clinicId}
              clinicians={activeClinicians}
              onCreated={(feed) => {
                setCreated(feed);
                feeds.reload();
              }}
            />
          )}
        </>
      )}
    </section>
  );
}
