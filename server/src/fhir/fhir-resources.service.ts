// Reads each FHIR resource kind from PumpWatch's own services (scoped to the caller's clinics as the REST API is) and maps it.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Resource } from '@medplum/fhirtypes';
import { ALERT_STATUSES, APPOINTMENT_STATUSES, DomainError } from '@pumpwatch/shared';
import type { Alert, AlertStatus, Pump, PumpDetail } from '@pumpwatch/shared';
import { DataSource, In } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { Actor, visibleClinicIds } from '../auth/actor';
import { CliniciansService } from '../clinicians/clinicians.service';
import { ClinicsService } from '../clinics/clinics.service';
import { FleetProjector } from '../fleet/fleet-projector.service';
import { FleetReadService } from '../fleet/fleet-read.service';
import { StoredFleetRow } from '../fleet/fleet-row.calculator';
import { FillEntity } from '../fills/fill.entity';
import { toFill } from '../fills/fill.mapper';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { PatientsService } from '../patients/patients.service';
import { ProgramEntity } from '../programs/program.entity';
import { toProgram } from '../programs/program.mapper';
import { PumpEntity } from '../pumps/pump.entity';
import { toPump } from '../pumps/pump.mapper';
import { PumpsService } from '../pumps/pumps.service';
import { AppointmentsService } from '../scheduling/appointments.service';
import { FhirError } from './fhir-error';
import { FhirFleetRepository, FhirPumpScope } from './fhir-fleet.repository';
import { codeParam, dateParam, meetsDates, PageRequest, RawQuery, referenceParam, SearchPage, tokenParam } from './fhir-search';
import { mrnSystemOf, OBSERVATION_CODE_SYSTEM, OBSERVATION_CODES, PUMP_SERIAL_SYSTEM } from './fhir-systems';
import { FHIR_APPOINTMENT_STATUS, toFhirAppointment } from './mappers/appointment.fhir-mapper';
import { toFhirDevice } from './mappers/device.fhir-mapper';
import { toFhirFlag } from './mappers/flag.fhir-mapper';
import { MEDICATION_STATEMENT_STATUSES, toFhirMedicationStatements } from './mappers/medication-statement.fhir-mapper';
import { ObservationForecast, parseObservationId, toFhirObservations } from './mappers/observation.fhir-mapper';
import { toFhirOrganization } from './mappers/organization.fhir-mapper';
import { toFhirPatient } from './mappers/patient.fhir-mapper';
import { toFhirPractitioner } from './mappers/practitioner.fhir-mapper';

export const FHIR_RESOURCE_TYPES = [
  'Patient',
  'Device',
  'Observation',
  'Appointment',
  'Flag',
  'MedicationStatement',
  'Practitioner',
  'Organization',
] as const;
export type FhirResourceType = (typeof FHIR_RESOURCE_TYPES)[number];

/** A resource with the clinic it belongs to and the patient whose record it is part of (null outside the Patient compartment). */
export interface ResourceMatch {
  resource: Resource & { id: string };
  clinicId: string;
  patientId: string | null;
}

export interface SearchParamDefinition {
  name: string;
  type: 'token' | 'reference' | 'date' | 'string';
  documentation: string;
}

/** Per resource kind: its search parameters, whether it is patient data (audited), and how it is read and searched. */
export interface FhirResourceKind {
  patientCompartment: boolean;
  searchParams: readonly SearchParamDefinition[];
  read(actor: Actor, id: string): Promise<ResourceMatch>;
  /** Every match, in any order (paged by the caller). */
  search(actor: Actor, query: RawQuery): Promise<ResourceMatch[]>;
  /** One page, filtered and paged in SQL, when the kind does so (then `search` stays the reference the tests hold it to). */
  searchPage?(actor: Actor, query: RawQuery, page: PageRequest): Promise<SearchPage<ResourceMatch>>;
}

const ID_PARAM: SearchParamDefinition = { name: '_id', type: 'token', documentation: 'the resource id' };
const PATIENT_PARAM: SearchParamDefinition = {
  name: 'patient',
  type: 'reference',
  documentation: 'Patient/<id>: the patient whose record it is',
};
const DEVICE_PARAM: SearchParamDefinition = { name: 'device', type: 'reference', documentation: 'Device/<id>: the pump' };

/**
 * A PumpWatch not-found (unknown, or another clinic's: the same answer) becomes FHIR's 404 for the resource asked for.
 * `recordId`: the PumpWatch record read (an Observation's pump), by default the resource id itself.
 */
async function orNotFound<T>(resourceType: string, id: string, read: () => Promise<T>, recordId: string = id): Promise<T> {
  if (!isUuid(recordId)) throw FhirError.notFound(resourceType, id);
  try {
    return await read();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'not_found') throw FhirError.notFound(resourceType, id);
    throw error;
  }
}

/** Ids of an `_id` parameter (a token list), or undefined. */
function idsParam(query: RawQuery): Set<string> | undefined {
  const tokens = tokenParam(query, '_id');
  return tokens ? new Set(tokens.map((t) => t.code.toLowerCase())) : undefined;
}

@Injectable()
export class FhirResourcesService {
  readonly kinds: Record<FhirResourceType, FhirResourceKind>;
  private everyRowHasForecastFacts = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly patients: PatientsService,
    private readonly pumps: PumpsService,
    private readonly appointments: AppointmentsService,
    private readonly alerts: AlertsService,
    private readonly clinicians: CliniciansService,
    private readonly clinics: ClinicsService,
    private readonly fleet: FleetReadService,
    private readonly projector: FleetProjector,
    private readonly fleetSearch: FhirFleetRepository,
  ) {
    this.kinds = {
      Patient: this.patientKind(),
      Device: this.deviceKind(),
      Observation: this.observationKind(),
      Appointment: this.appointmentKind(),
      Flag: this.flagKind(),
      MedicationStatement: this.medicationStatementKind(),
      Practitioner: this.practitionerKind(),
      Organization: this.organizationKind(),
    };
  }

  private patientKind(): FhirResourceKind {
    return {
      patientCompartment: true,
      searchParams: [ID_PARAM, { name: 'identifier', type: 'token', documentation: `MRN: value, or ${mrnSystemOf('<clinicId>')}|value` }],
      read: async (actor, id) => {
        const patient = await orNotFound('Patient', id, () => this.patients.get(actor, id));
        return { resource: toFhirPatient(patient) as ResourceMatch['resource'], clinicId: patient.clinicId, patientId: patient.id };
      },
      search: async (actor, query) => {
        const ids = idsParam(query);
        const identifiers = tokenParam(query, 'identifier');
        const patients = (await this.patients.list(actor)).filter(
          (p) =>
            (!ids || ids.has(p.id)) &&
            (!identifiers ||
              identifiers.some((t) => t.code === p.mrn && (t.system === null || t.system === '' || t.system === mrnSystemOf(p.clinicId)))),
        );
        return patients.map((p) => ({ resource: toFhirPatient(p) as ResourceMatch['resource'], clinicId: p.clinicId, patientId: p.id }));
      },
    };
  }

  private deviceKind(): FhirResourceKind {
    return {
      patientCompartment: true,
      searchParams: [
        ID_PARAM,
        PATIENT_PARAM,
        { name: 'identifier', type: 'token', documentation: `serial number: value, or ${PUMP_SERIAL_SYSTEM}|value` },
        { name: 'status', type: 'token', documentation: 'active, or inactive once explanted' },
      ],
      read: async (actor, id) => {
        const detail = await orNotFound('Device', id, () => this.pumps.detail(actor, id));
        return this.deviceMatch(detail.pump);
      },
      search: async (actor, query) => {
        const ids = idsParam(query);
        const statuses = codeParam(query, 'status', ['active', 'inactive'] as const);
        const serials = tokenParam(query, 'identifier');
        const pumps = await this.pumpsInScope(actor, referenceParam(query, 'patient', 'Patient'), undefined);
        return pumps
          .filter(
            (p) =>
              (!ids || ids.has(p.id)) &&
              (!statuses || statuses.includes(p.explantedAt ? 'inactive' : 'active')) &&
              (!serials ||
                serials.some(
                  (t) => t.code === p.serialNumber && (t.system === null || t.system === '' || t.system === PUMP_SERIAL_SYSTEM),
                )),
          )
          .map((p) => this.deviceMatch(p));
      },
    };
  }

  private deviceMatch(pump: Pump): ResourceMatch {
    return { resource: toFhirDevice(pump) as ResourceMatch['resource'], clinicId: pump.clinicId, patientId: pump.patientId };
  }

  private observationKind(): FhirResourceKind {
    return {
      patientCompartment: true,
      searchParams: [
        ID_PARAM,
        PATIENT_PARAM,
        DEVICE_PARAM,
        {
          name: 'code',
          type: 'token',
          documentation: `${OBSERVATION_CODE_SYSTEM}|reservoir-volume, refill-deadline or low-reservoir-alarm`,
        },
        {
          name: 'date',
          type: 'date',
          documentation: 'effective instant (the reading, or when the forecast was computed); prefixes eq, ne, gt, lt, ge, le',
        },
      ],
      read: async (actor, id) => {
        const parsed = parseObservationId(id);
        if (!parsed) throw FhirError.notFound('Observation', id);
        const detail = await orNotFound('Observation', id, () => this.pumps.detail(actor, parsed.pumpId), parsed.pumpId);
        const match = this.observationsOf(detail).find((m) => m.resource.id === id);
        if (!match) throw FhirError.notFound('Observation', id);
        return match;
      },
      search: async (actor, query) => {
        const ids = idsParam(query);
        const codes = tokenParam(query, 'code');
        const dates = dateParam(query, 'date');
        const pumps = (
          await this.pumpsInScope(actor, referenceParam(query, 'patient', 'Patient'), referenceParam(query, 'device', 'Device'))
        ).filter((p) => p.explantedAt === null);
        const matches: ResourceMatch[] = [];
        for (const pump of pumps) matches.push(...this.observationsOf(await this.pumps.detail(actor, pump.id)));
        return matches.filter((m) => {
          const observation = m.resource as {
            id: string;
            code: { coding?: { system?: string; code?: string }[] };
            effectiveDateTime?: string;
          };
          const coding = observation.code.coding?.[0];
          return (
            (!ids || ids.has(observation.id)) &&
            (!codes ||
              codes.some((t) => t.code === coding?.code && (t.system === null || t.system === '' || t.system === coding?.system))) &&
            meetsDates(dates, observation.effectiveDateTime ? Date.parse(observation.effectiveDateTime) : null)
          );
        });
      },
      // The same matches from the fleet read model (active pumps only, as above), paged in SQL.
      searchPage: async (actor, query, page) => {
        const ids = idsParam(query);
        const codes = tokenParam(query, 'code');
        const dates = dateParam(query, 'date');
        const scope = this.pumpScope(actor, referenceParam(query, 'patient', 'Patient'), referenceParam(query, 'device', 'Device'));
        if (!scope) return { shown: [], total: 0, hasMore: false };
        const now = this.clock.now();
        await this.ensureFleetRows(now, scope.clinicIds);
        // As forecastPump's `at`: the search's instant to the whole second.
        const at = new Date(Math.floor(now.getTime() / 1000 + 1e-6) * 1000).toISOString();
        const found = await this.fleetSearch.observationPage(
          {
            ...scope,
            ids: ids ? [...ids] : undefined,
            codes: Object.values(OBSERVATION_CODES)
              .filter(
                (c) =>
                  !codes ||
                  codes.some((t) => t.code === c.code && (t.system === null || t.system === '' || t.system === OBSERVATION_CODE_SYSTEM)),
              )
              .map((c) => c.code),
            forecastMeetsDates: meetsDates(dates, Date.parse(at)),
            dates,
          },
          page,
        );
        const shown = found.entries.flatMap(({ id, row }) =>
          toFhirObservations(row.pump, observationForecastOf(row, at))
            .filter((o) => o.id === id)
            .map((o) => ({ resource: o as ResourceMatch['resource'], clinicId: row.pump.clinicId, patientId: row.pump.patientId })),
        );
        return { shown, total: found.total, hasMore: found.more };
      },
    };
  }

  private observationsOf(detail: PumpDetail): ResourceMatch[] {
    return toFhirObservations(detail.pump, detail.forecast).map((o) => ({
      resource: o as ResourceMatch['resource'],
      clinicId: detail.pump.clinicId,
      patientId: detail.pump.patientId,
    }));
  }

  private appointmentKind(): FhirResourceKind {
    const statuses = APPOINTMENT_STATUSES.map((s) => FHIR_APPOINTMENT_STATUS[s]);
    return {
      patientCompartment: true,
      searchParams: [
        ID_PARAM,
        PATIENT_PARAM,
        DEVICE_PARAM,
        { name: 'practitioner', type: 'reference', documentation: 'Practitioner/<id>: the clinician who refills' },
        { name: 'status', type: 'token', documentation: statuses.join(', ') },
        { name: 'date', type: 'date', documentation: 'the appointment start; prefixes eq, ne, gt, lt, ge, le' },
      ],
      read: async (actor, id) => {
        const appointment = await orNotFound('Appointment', id, () => this.appointments.get(actor, id));
        return {
          resource: toFhirAppointment(appointment) as ResourceMatch['resource'],
          clinicId: appointment.clinicId,
          patientId: appointment.patientId,
        };
      },
      search: async (actor, query) => {
        const ids = idsParam(query);
        const patientIds = referenceParam(query, 'patient', 'Patient');
        const pumpIds = referenceParam(query, 'device', 'Device');
        const clinicianIds = referenceParam(query, 'practitioner', 'Practitioner');
        const wanted = codeParam(query, 'status', statuses);
        const dates = dateParam(query, 'date');
        const rows = await this.appointments.list(actor, {});
        return rows
          .filter(
            (a) =>
              (!ids || ids.has(a.id)) &&
              (!patientIds || patientIds.includes(a.patientId)) &&
              (!pumpIds || pumpIds.includes(a.pumpId)) &&
              (!clinicianIds || clinicianIds.includes(a.clinicianId)) &&
              (!wanted || wanted.includes(FHIR_APPOINTMENT_STATUS[a.status])) &&
              meetsDates(dates, Date.parse(a.startsAt)),
          )
          .map((a) => ({ resource: toFhirAppointment(a) as ResourceMatch['resource'], clinicId: a.clinicId, patientId: a.patientId }));
      },
    };
  }

  private flagKind(): FhirResourceKind {
    return {
      patientCompartment: true,
      searchParams: [
        ID_PARAM,
        PATIENT_PARAM,
        { name: 'status', type: 'token', documentation: 'active (open or acknowledged alerts) or inactive (resolved)' },
        { name: 'date', type: 'date', documentation: 'the period from first raised to resolved; prefixes eq, ne, gt, lt, ge, le' },
      ],
      read: async (actor, id) => {
        const alert = await orNotFound('Flag', id, () => this.alerts.get(actor, id));
        return this.flagMatch(alert);
      },
      search: async (actor, query) => {
        const ids = idsParam(query);
        const patientIds = referenceParam(query, 'patient', 'Patient');
        const wanted = codeParam(query, 'status', ['active', 'inactive'] as const);
        const dates = dateParam(query, 'date');
        const alertStatuses = ALERT_STATUSES.filter((s) => !wanted || wanted.includes(s === 'resolved' ? 'inactive' : 'active'));
        const alerts: Alert[] = [];
        for (const status of alertStatuses)
          alerts.push(...(await this.allAlerts(actor, status, patientIds?.length === 1 ? patientIds[0] : undefined)));
        return alerts
          .filter(
            (a) =>
              (!ids || ids.has(a.id)) &&
              (!patientIds || patientIds.includes(a.patientId)) &&
              meetsDates(dates, Date.parse(a.firstRaisedAt), a.resolvedAt ? Date.parse(a.resolvedAt) : null),
          )
          .map((a) => this.flagMatch(a));
      },
    };
  }

  private flagMatch(alert: Alert): ResourceMatch {
    return { resource: toFhirFlag(alert) as ResourceMatch['resource'], clinicId: alert.clinicId, patientId: alert.patientId };
  }

  /** Every alert of a status the actor sees (the caller's snoozes do not hide anything from the record), page by page. */
  private async allAlerts(actor: Actor, status: AlertStatus, patientId: string | undefined): Promise<Alert[]> {
    if (patientId !== undefined && !isUuid(patientId)) return [];
    const alerts: Alert[] = [];
    let cursor: string | undefined;
    do {
      let page;
      try {
        page = await this.alerts.listPage(actor, { status, patientId, includeSnoozed: true, limit: 1000, cursor });
      } catch (error) {
        // A patient of another clinic: nothing of theirs matches.
        if (error instanceof DomainError && error.code === 'not_found') return [];
        throw error;
      }
      alerts.push(...page.alerts);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return alerts;
  }

  private medicationStatementKind(): FhirResourceKind {
    return {
      patientCompartment: true,
      searchParams: [
        ID_PARAM,
        PATIENT_PARAM,
        { name: 'device', type: 'reference', documentation: 'Device/<id>: the pump running the program (MedicationStatement.derivedFrom)' },
        { name: 'status', type: 'token', documentation: MEDICATION_STATEMENT_STATUSES.join(', ') },
      ],
      read: async (actor, id) => {
        const program = isUuid(id) ? await this.dataSource.getRepository(ProgramEntity).findOneBy({ id }) : null;
        if (!program) throw FhirError.notFound('MedicationStatement', id);
        const detail = await orNotFound('MedicationStatement', id, () => this.pumps.detail(actor, program.pumpId), program.pumpId);
        const match = this.statementsOf(detail).find((m) => m.resource.id === id);
        if (!match) throw FhirError.notFound('MedicationStatement', id);
        return match;
      },
      search: async (actor, query) => {
        const ids = idsParam(query);
        const wanted = codeParam(query, 'status', MEDICATION_STATEMENT_STATUSES);
        const pumps = await this.pumpsInScope(
          actor,
          referenceParam(query, 'patient', 'Patient'),
          referenceParam(query, 'device', 'Device'),
        );
        const matches: ResourceMatch[] = [];
        for (const pump of pumps) matches.push(...this.statementsOf(await this.pumps.detail(actor, pump.id)));
        return matches.filter(
          (m) =>
            (!ids || ids.has(m.resource.id)) &&
            (!wanted || wanted.includes((m.resource as { status: (typeof MEDICATION_STATEMENT_STATUSES)[number] }).status)),
        );
      },
      // The same matches paged in SQL (the status computed there); only the page's pumps' programs and fills are read.
      searchPage: async (actor, query, page) => {
        const ids = idsParam(query);
        const wanted = codeParam(query, 'status', MEDICATION_STATEMENT_STATUSES);
        const scope = this.pumpScope(actor, referenceParam(query, 'patient', 'Patient'), referenceParam(query, 'device', 'Device'));
        if (!scope) return { shown: [], total: 0, hasMore: false };
        const now = this.clock.now();
        const found = await this.fleetSearch.statementPage(
          { ...scope, ids: ids ? [...ids] : undefined, statuses: wanted ? [...wanted] : undefined, now },
          page,
        );
        const statements = await this.statementsOfPumps([...new Set(found.entries.map((e) => e.pumpId))], now.getTime());
        const shown = found.entries.flatMap((e) => statements.get(e.id) ?? []);
        return { shown, total: found.total, hasMore: found.more };
      },
    };
  }

  /** The MedicationStatements of these pumps by id, from their programs and fills read together. */
  private async statementsOfPumps(pumpIds: string[], nowMs: number): Promise<Map<string, ResourceMatch>> {
    const statements = new Map<string, ResourceMatch>();
    if (pumpIds.length === 0) return statements;
    const manager = this.dataSource.manager;
    const [pumps, programs, fills] = await Promise.all([
      manager.findBy(PumpEntity, { id: In(pumpIds) }),
      manager.find(ProgramEntity, { where: { pumpId: In(pumpIds) }, order: { effectiveFrom: 'ASC' } }),
      manager.find(FillEntity, { where: { pumpId: In(pumpIds) }, order: { filledAt: 'ASC' } }),
    ]);
    for (const entity of pumps) {
      const pump = toPump(entity);
      const mapped = toFhirMedicationStatements(
        pump,
        programs.filter((p) => p.pumpId === pump.id).map(toProgram),
        fills.filter((f) => f.pumpId === pump.id).map(toFill),
        nowMs,
      );
      for (const s of mapped) {
        statements.set(s.id as string, { resource: s as ResourceMatch['resource'], clinicId: pump.clinicId, patientId: pump.patientId });
      }
    }
    return statements;
  }

  private statementsOf(detail: PumpDetail): ResourceMatch[] {
    return toFhirMedicationStatements(detail.pump, detail.programs, detail.fills, this.clock.now().getTime()).map((s) => ({
      resource: s as ResourceMatch['resource'],
      clinicId: detail.pump.clinicId,
      patientId: detail.pump.patientId,
    }));
  }

  private practitionerKind(): FhirResourceKind {
    return {
      patientCompartment: false,
      searchParams: [ID_PARAM, { name: 'active', type: 'token', documentation: 'true or false (deactivated clinicians)' }],
      read: async (actor, id) => {
        const clinician = await orNotFound('Practitioner', id, () => this.clinicians.get(actor, id));
        return { resource: toFhirPractitioner(clinician) as ResourceMatch['resource'], clinicId: clinician.clinicId, patientId: null };
      },
      search: async (actor, query) => {
        const ids = idsParam(query);
        const active = codeParam(query, 'active', ['true', 'false'] as const);
        return (await this.clinicians.list(actor))
          .filter((c) => (!ids || ids.has(c.id)) && (!active || active.includes(c.active ? 'true' : 'false')))
          .map((c) => ({ resource: toFhirPractitioner(c) as ResourceMatch['resource'], clinicId: c.clinicId, patientId: null }));
      },
    };
  }

  private organizationKind(): FhirResourceKind {
    return {
      patientCompartment: false,
      searchParams: [ID_PARAM],
      read: async (actor, id) => {
        const clinic = isUuid(id) ? (await this.clinics.list(actor)).find((c) => c.id === id.toLowerCase()) : undefined;
        if (!clinic) throw FhirError.notFound('Organization', id);
        return { resource: toFhirOrganization(clinic) as ResourceMatch['resource'], clinicId: clinic.id, patientId: null };
      },
      search: async (actor, query) => {
        const ids = idsParam(query);
        return (await this.clinics.list(actor))
          .filter((c) => !ids || ids.has(c.id))
          .map((c) => ({ resource: toFhirOrganization(c) as ResourceMatch['resource'], clinicId: c.id, patientId: null }));
      },
    };
  }

  /**
   * The pumps a SQL-paged search covers (as pumpsInScope selects them); null when a named patient or pump cannot exist, so nothing
   * matches.
   */
  private pumpScope(actor: Actor, patientIds: string[] | undefined, pumpIds: string[] | undefined): FhirPumpScope | null {
    if ((patientIds && !patientIds.every(isUuid)) || (pumpIds && !pumpIds.every(isUuid))) return null;
    return { clinicIds: visibleClinicIds(actor), patientIds, pumpIds };
  }

  /**
   * Fleet rows current for a read (every committed event projected, rows the clock moved away from recomputed, as GET /api/pumps).
   * Rows stored before they kept forecast facts are recomputed once per process: every row computed since has them.
   */
  private async ensureFleetRows(now: Date, clinicIds: string[] | null): Promise<void> {
    await this.fleet.ensureCurrent(now, clinicIds);
    if (this.everyRowHasForecastFacts) return;
    const missing: { pump_id: string }[] = await this.dataSource.query(`SELECT pump_id FROM fleet_rows WHERE NOT (row ? 'forecastFacts')`);
    if (missing.length > 0) await this.projector.refreshStale(now, { pumpIds: missing.map((m) => m.pump_id) }, 0);
    this.everyRowHasForecastFacts = true;
  }

  /**
   * The pumps (active and explanted) the actor sees, of these patients and these pump ids when given. A patient or pump of another
   * clinic, or none at all, simply matches nothing (a search names no record, unlike a read).
   */
  private async pumpsInScope(actor: Actor, patientIds: string[] | undefined, pumpIds: string[] | undefined): Promise<Pump[]> {
    const visible = visibleClinicIds(actor);
    if ((patientIds && !patientIds.every(isUuid)) || (pumpIds && !pumpIds.every(isUuid))) return [];
    const pumps = await this.dataSource.getRepository(PumpEntity).find({
      where: {
        ...(visible === null ? {} : { clinicId: In(visible) }),
        ...(patientIds ? { patientId: In(patientIds) } : {}),
        ...(pumpIds ? { id: In(pumpIds) } : {}),
      },
    });
    return pumps.map(toPump);
  }
}

/** The forecast figures of a stored fleet row at `at` (the search's instant), as toFhirObservations reads a PumpForecast. */
function observationForecastOf(row: StoredFleetRow, at: string): ObservationForecast | null {
  const facts = row.forecastFacts;
  if (!facts) return null;
  return {
    status: row.status,
    at,
    refillDeadline: row.refillDeadline,
    deadlineReason: row.deadlineReason,
    lowReservoirAlarmMl: facts.lowReservoirAlarmMl,
    nominal: { lowReservoirAlarmAt: facts.nominalLowReservoirAlarmAt },
    worstCase: { lowReservoirAlarmAt: facts.worstCaseLowReservoirAlarmAt },
    reportedReservoir: facts.reportedReservoir,
  };
}
