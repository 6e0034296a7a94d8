// The alert engine: evaluates the rules when data changes (a durable cursor over the event outbox) and in a periodic sweep (for
// deadlines that pass with no event), and writes what changed. Every evaluation holds one cluster-wide lock, so instances never
// raise the same alert twice; the partial unique index backs that up.
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { evaluatePumpAlerts, EvaluationTrigger, planAlertChanges } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import type { EventNotification } from '../events/event-log.service';
import { ALERT_EVENT_TYPES, OutboxEvent, readEventsAfter } from '../events/event-outbox';
import { LiveEventRelay } from '../events/live-event-relay';
import { PgEventListener } from '../events/pg-event-listener';
import { alarmPathTimer } from '../infra/alarm-path-timer';
import { Clock } from '../infra/clock';
import { AlertInputsLoader, LoadedPump } from './alert-inputs.loader';
import { AlertWrite, AlertWriter } from './alert-writer';
import { alertOpenState as openState, CONDITION_CLEARED_NOTE, plannedAlertWrite } from './planned-alert-write';
import { AlertRecord, AlertsRepository } from './alerts.repository';

/** Any constant shared by all instances: one evaluation at a time across the cluster. */
const ALERT_EVALUATION_LOCK = 7_316_005;
/** Events per transaction: bounds how long an evaluation holds the event counter. */
const EVENT_BATCH = 200;
/** Pumps the sweep reads at once before re-evaluating the changed ones under the lock. */
const SWEEP_CHUNK = 500;

export interface SweepResult {
  at: string;
  pumpsChecked: number;
  pumpsChanged: number;
  /** Subjects other features' sweep steps looked at and changed (patients, clinical safety). */
  othersChecked: number;
  othersChanged: number;
}

/**
 * Another feature's periodic check of its own alert kinds (e.g. labs due, review overdue of patients), run by the minute sweep after
 * the pumps. It reads without the lock and writes each change through `withEvaluationLock`.
 */
export type SweepStep = (now: Date) => Promise<{ checked: number; changed: number }>;

@Injectable()
export class AlertEngine implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AlertEngine');
  private draining: Promise<void> | null = null;
  private wanted = false;
  private stopping = false;
  private lastSweepResult: SweepResult | null = null;
  private readonly sweepSteps: SweepStep[] = [];
  /** Every event up to this id was evaluated (the cursor as this instance last committed or read it): cues for them are stale. */
  private evaluatedThroughId = 0;
  /** Settles when the evaluation under way has caught up or committed alerts: live delivery waits for it (see evaluationUnderWay). */
  private evaluationSettled: { settled: Promise<void>; settle: () => void } | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly repository: AlertsRepository,
    private readonly loader: AlertInputsLoader,
    private readonly writer: AlertWriter,
    private readonly listener: PgEventListener,
    private readonly relay: LiveEventRelay,
  ) {}

  onModuleInit(): void {
    // Its own alert events change no rule input: only other events (and reconnects) are worth a look. An event already evaluated
    // (the NOTIFY after the in-process cue of a telemetry batch) is not.
    this.listener.subscribe((event) => {
      if (event === null || (!ALERT_EVENT_TYPES.includes(event.type) && event.eventId > this.evaluatedThroughId)) this.kick();
    });
    this.relay.setDeliveryGate(() => this.evaluationUnderWay());
  }

  /**
   * For live delivery: settles when the evaluation under way has caught up with the outbox, stopped, or committed alerts (null when
   * none is under way), so that the alarms a telemetry batch raises go out right behind its pump.changed rather than after that
   * event's fan-out to every dashboard.
   */
  evaluationUnderWay(): Promise<void> | null {
    if (!this.draining) return null;
    if (!this.evaluationSettled) {
      let settle: () => void = () => undefined;
      const settled = new Promise<void>((resolve) => {
        settle = resolve;
      });
      this.evaluationSettled = { settled, settle };
    }
    return this.evaluationSettled.settled;
  }

  /** Catch up on what was committed while no instance was evaluating (a restart, a crash). */
  onApplicationBootstrap(): void {
    this.kick();
  }

  /** An evaluation under way finishes (or rolls back) before the database connections close; none starts after. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.draining?.catch(() => undefined);
  }

  /** The last sweep's summary (for a health report). */
  get lastSweep(): SweepResult | null {
    return this.lastSweepResult;
  }

  /** Adds a step to every sweep (registered once, at module init). */
  registerSweepStep(step: SweepStep): void {
    this.sweepSteps.push(step);
  }

  /** One transaction under the cluster-wide evaluation lock: how a sweep step writes, so instances never raise an alert twice. */
  async withEvaluationLock<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [ALERT_EVALUATION_LOCK]);
      return work(tx);
    });
  }

  /** Evaluates the pumps of every event after the cursor; resolves when the outbox is caught up, including calls made meanwhile. */
  processPendingEvents(): Promise<void> {
    this.wanted = true;
    if (!this.draining) {
      this.draining = this.drain().finally(() => {
        this.draining = null;
        this.settleEvaluation();
      });
    }
    return this.draining;
  }

  /**
   * Every minute (see AlertSweepJob), and directly from tests with a ManualClock: catches up the outbox, then re-evaluates every
   * active pump at `now` and writes only what changed (a deadline band crossed, a condition cleared by time).
   */
  async sweep(): Promise<SweepResult> {
    await this.processPendingEvents();
    const now = this.clock.now();
    const pumpIds = await this.repository.sweepPumpIds();
    let changed = 0;
    for (let i = 0; i < pumpIds.length; i += SWEEP_CHUNK) {
      const chunk = pumpIds.slice(i, i + SWEEP_CHUNK);
      // Read without the lock first: most pumps have nothing to change, and only those that do take it.
      const manager = this.dataSource.manager;
      const [loaded, unresolved] = await Promise.all([
        this.loader.load(manager, chunk, now),
        this.repository.unresolvedOfSubjects(manager, chunk, false),
      ]);
      const bySubject = groupOpen(unresolved);
      const due = chunk.filter((id) => {
        const pump = loaded.get(id);
        return (
          pump !== undefined &&
          planAlertChanges((bySubject.get(id) ?? []).map(openState), evaluatePumpAlerts(pump.input), 'sweep', pump.refill).length > 0
        );
      });
      for (const pumpId of due) {
        await this.dataSource.transaction(async (tx) => {
          await tx.query('SELECT pg_advisory_xact_lock($1)', [ALERT_EVALUATION_LOCK]);
          await this.evaluate(tx, [pumpId], 'sweep', now);
        });
      }
      changed += due.length;
    }
    let othersChecked = 0;
    let othersChanged = 0;
    for (const step of this.sweepSteps) {
      const result = await step(now);
      othersChecked += result.checked;
      othersChanged += result.changed;
    }
    this.lastSweepResult = { at: now.toISOString(), pumpsChecked: pumpIds.length, pumpsChanged: changed, othersChecked, othersChanged };
    return this.lastSweepResult;
  }

  private kick(): void {
    if (this.stopping) return;
    this.processPendingEvents().catch((error: Error) =>
      this.logger.warn(`alert evaluation after an event failed (the sweep retries): ${error.message}`),
    );
  }

  private async drain(): Promise<void> {
    while (this.wanted && !this.stopping) {
      this.wanted = false;
      // A short batch read everything committed by then; what was committed since has cued another pass (wanted).
      while ((await this.processBatch()) >= EVENT_BATCH);
    }
  }

  /**
   * One transaction: the lock, the cursor, the next events, the evaluation of their pumps and the cursor moved past them. A crash
   * rolls all of it back, so the next instance evaluates the same events again and nothing is raised twice or skipped.
   * The events and what their pumps' rules read are read ahead, before the transaction, on pooled connections in parallel (one after
   * the other on the transaction's connection they were most of an alarm's evaluation); used when the cursor has not moved by the
   * time the lock is held, else read again inside. Reading before locking is what evaluate() already does: a change committed in
   * between has its own event, evaluated next.
   */
  private async processBatch(): Promise<number> {
    const ahead = await this.readAhead();
    if (ahead === null) return 0;
    let traceId = ahead.traceId;
    let throughId = 0;
    let alerts: EventNotification[] = [];
    const processed = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ALERT_EVALUATION_LOCK]);
      const cursor = await this.repository.lockCursor(manager, ahead.now);
      alarmPathTimer.mark(traceId, 'evaluation_locked');
      throughId = cursor;
      let { events, pumpIds, now } = ahead;
      let loaded: Map<string, LoadedPump> | undefined = ahead.loaded;
      if (cursor !== ahead.cursor) {
        // Another instance (or a sweep) moved it meanwhile: what was read ahead is not this batch.
        now = this.clock.now();
        events = await readEventsAfter(manager, cursor, { limit: EVENT_BATCH });
        if (events.length === 0) return 0;
        ({ pumpIds, traceId } = await this.pumpsOfEvents(manager, events));
        loaded = undefined;
      }
      alerts = await this.evaluate(manager, pumpIds, 'data_changed', now, traceId, loaded);
      for (const alert of alerts) alarmPathTimer.link(alert.eventId, traceId);
      alarmPathTimer.mark(traceId, 'alert_written');
      throughId = events[events.length - 1].id;
      // Its own alert events follow right after the batch (it held the counter since writing them): past them too, rather than
      // another transaction to skip them.
      const alertIds = alerts.map((a) => a.eventId).sort((a, b) => a - b);
      if (alertIds.length > 0 && alertIds.every((id, i) => id === throughId + 1 + i)) throughId = alertIds[alertIds.length - 1];
      await this.repository.advanceCursor(manager, throughId, now);
      return events.length;
    });
    alarmPathTimer.mark(traceId, 'alert_committed');
    this.evaluatedThroughId = Math.max(this.evaluatedThroughId, throughId);
    // The alerts go out now, not after the NOTIFY round trip (which other instances still hear).
    if (alerts.length > 0) {
      this.settleEvaluation();
      this.listener.announce(alerts);
    }
    return processed;
  }

  /** Before the transaction: the cursor, the events after it and their pumps' rule inputs (null when there is nothing to evaluate). */
  private async readAhead(): Promise<{
    cursor: number;
    now: Date;
    events: OutboxEvent[];
    pumpIds: string[];
    traceId: number;
    loaded: Map<string, LoadedPump>;
  } | null> {
    const manager = this.dataSource.manager;
    const now = this.clock.now();
    const cursor = await this.repository.readCursor(manager);
    const events = await readEventsAfter(manager, cursor, { limit: EVENT_BATCH });
    if (events.length === 0) {
      this.evaluatedThroughId = Math.max(this.evaluatedThroughId, cursor);
      return null;
    }
    const { pumpIds, traceId } = await this.pumpsOfEvents(manager, events);
    alarmPathTimer.mark(traceId, 'evaluation_started');
    const loaded = await this.loader.load(manager, pumpIds, now);
    alarmPathTimer.mark(traceId, 'inputs_loaded');
    return { cursor, now, events, pumpIds, traceId, loaded };
  }

  /** The pumps whose rules these events may change, sorted (the lock order); `traceId`: the last of them (the alarm path's trace). */
  private async pumpsOfEvents(manager: EntityManager, events: readonly OutboxEvent[]): Promise<{ pumpIds: string[]; traceId: number }> {
    let traceId = 0;
    const pumpIds = new Set<string>();
    const wholeClinics = new Set<string>();
    for (const event of events) {
      if (ALERT_EVENT_TYPES.includes(event.type)) continue;
      traceId = event.id;
      if (event.pumpId) pumpIds.add(event.pumpId);
      // The demo seed inserts a whole fleet under one event; a settings change concerns every pump of the clinic.
      else if (
        (event.type === 'demo.seeded' || event.type === 'clinic.settings_changed' || event.type === 'clinic.drug_library_changed') &&
        event.clinicId
      )
        wholeClinics.add(event.clinicId);
    }
    if (wholeClinics.size > 0) {
      const rows: { id: string }[] = await manager.query(
        'SELECT id FROM pumps WHERE clinic_id = ANY($1::uuid[]) AND explanted_at IS NULL',
        [[...wholeClinics]],
      );
      for (const row of rows) pumpIds.add(row.id);
    }
    return { pumpIds: [...pumpIds].sort(), traceId };
  }

  private settleEvaluation(): void {
    const evaluation = this.evaluationSettled;
    this.evaluationSettled = null;
    evaluation?.settle();
  }

  /**
   * Inside a transaction holding ALERT_EVALUATION_LOCK. Every row lock is taken before the first event is recorded (the event
   * counter is held to commit): the pumps and patients (a fill or a pump registration holds those, then waits for the counter)
   * and the unresolved alerts (a user acknowledging one holds it, then waits for the counter).
   */
  /** Returns the events of the alerts it wrote. */
  private async evaluate(
    manager: EntityManager,
    pumpIds: string[],
    trigger: EvaluationTrigger,
    now: Date,
    traceId = 0,
    readAhead?: Map<string, LoadedPump>,
  ): Promise<EventNotification[]> {
    if (pumpIds.length === 0) return [];
    // Read first, lock after: holding the pumps while loading would make every writer of those pumps wait on this evaluation, each
    // holding a pooled connection the loading may need. A change committed in between has its own event: evaluated next.
    const loaded = readAhead ?? (await this.loader.load(manager, pumpIds, now));
    await this.repository.lockSubjectsForAlerts(manager, pumpIds);
    const bySubject = groupOpen(await this.repository.unresolvedOfSubjects(manager, pumpIds, true));
    const writes: AlertWrite[] = [];
    for (const pumpId of pumpIds) {
      const pump = loaded.get(pumpId);
      if (!pump) continue;
      const records = new Map((bySubject.get(pumpId) ?? []).map((r) => [r.id, r]));
      const evaluation = evaluatePumpAlerts(pump.input);
      for (const change of planAlertChanges([...records.values()].map(openState), evaluation, trigger, pump.refill))
        writes.push(
          plannedAlertWrite(
            change,
            records,
            {
              clinicId: pump.clinicId,
              patientId: pump.patientId,
              pumpId: pump.pumpId,
              subjectType: 'pump',
              info: pump.info,
              resolvedNote: pump.input.explanted ? 'Resolved automatically: the pump was explanted.' : CONDITION_CLEARED_NOTE,
            },
            now,
          ),
        );
    }
    alarmPathTimer.mark(traceId, 'evaluation_planned');
    const written = await this.writer.writeMany(manager, writes);
    const events: EventNotification[] = [];
    written.forEach((alert, i) => {
      const change = writes[i].change;
      if (change !== null)
        events.push({
          eventId: alert.lastEventId,
          type: change === 'raised' ? 'alert.raised' : 'alert.updated',
          clinicId: alert.clinicId,
          pumpId: alert.pumpId,
        });
    });
    return events;
  }
}

function groupOpen(records: AlertRecord[]): Map<string, AlertRecord[]> {
  const groups = new Map<string, AlertRecord[]>();
  for (const record of records) groups.set(record.subjectId, [...(groups.get(record.subjectId) ?? []), record]);
  return groups;
}
