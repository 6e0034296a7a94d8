// Timing marks along the alarm path (reading in, commit, alert evaluation, alert write and commit, NOTIFY, relay, emit), for the
// alert delivery benchmark. On only with PUMPWATCH_TRACE_ALARM_PATH=on; otherwise every mark is one boolean test and a return.
import { performance } from 'node:perf_hooks';

export type AlarmHop =
  | 'request_in'
  | 'ingest_committed'
  | 'evaluation_started'
  | 'inputs_loaded'
  | 'evaluation_locked'
  | 'evaluation_planned'
  | 'alert_written'
  | 'alert_committed'
  | 'notify_received'
  | 'relay_read'
  | 'emitted';

export const ALARM_HOPS: readonly AlarmHop[] = [
  'request_in',
  'ingest_committed',
  'evaluation_started',
  'inputs_loaded',
  'evaluation_locked',
  'evaluation_planned',
  'alert_written',
  'alert_committed',
  'notify_received',
  'relay_read',
  'emitted',
];

/**
 * One reading's way to the dashboards: the instant (performance.now()) each hop was first reached. `relay_read`: the outbox page
 * holding the alert was read; `emitted`: the alert was handed to socket.io, after the events before it in that page (its pump.changed).
 */
export type AlarmTrace = Partial<Record<AlarmHop, number>>;

/** Traces kept at most (oldest dropped): a long run with tracing on must not grow without bound. */
const MAX_TRACES = 10_000;

/**
 * Keyed by the event id of the telemetry batch (its last event); an alert event written while evaluating that batch is linked to
 * it, so the relay's and the gateway's marks on the alert event land on the reading's trace.
 */
export class AlarmPathTimer {
  private readonly traces = new Map<number, AlarmTrace>();
  private readonly traceOfEvent = new Map<number, number>();

  constructor(readonly enabled: boolean) {}

  now(): number {
    return this.enabled ? performance.now() : 0;
  }

  /** The first time `hop` is reached for the trace of `eventId` (later marks of the same hop are ignored). */
  mark(eventId: number, hop: AlarmHop, at?: number): void {
    if (!this.enabled || eventId <= 0) return;
    const trace = this.traceFor(this.traceOfEvent.get(eventId) ?? eventId);
    if (trace[hop] === undefined) trace[hop] = at ?? performance.now();
  }

  /** Later marks on `eventId` (an alert event) go to the trace of `sourceEventId` (the reading that caused it). */
  link(eventId: number, sourceEventId: number): void {
    if (!this.enabled) return;
    this.traceOfEvent.set(eventId, this.traceOfEvent.get(sourceEventId) ?? sourceEventId);
    if (this.traceOfEvent.size > MAX_TRACES) this.traceOfEvent.delete(this.traceOfEvent.keys().next().value as number);
  }

  /** The trace an event belongs to (its own, or the reading's it was linked to); undefined when none was recorded. */
  traceOf(eventId: number): AlarmTrace | undefined {
    return this.traces.get(this.traceOfEvent.get(eventId) ?? eventId);
  }

  private traceFor(key: number): AlarmTrace {
    let trace = this.traces.get(key);
    if (!trace) {
      trace = {};
      this.traces.set(key, trace);
      if (this.traces.size > MAX_TRACES) this.traces.delete(this.traces.keys().next().value as number);
    }
    return trace;
  }
}

/** The process's timer: the server marks, the benchmark (same process) reads. */
export const alarmPathTimer = new AlarmPathTimer(process.env.PUMPWATCH_TRACE_ALARM_PATH === 'on');
