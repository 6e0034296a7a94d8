// Use cases of a clinic's drug library: read it (any role there), edit it within the code's bounds (its administrator; audited),
// and the library the checks of programs, fills, taper plans, the planner and telemetry use.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { checkAgainstLibrary, DEFAULT_DRUG_LIBRARY, DomainError, enforceLibrary, resolveDrugLibrary } from '@pumpwatch/shared';
import type { ClinicDrugLibrary, DrugLibrary, DrugLibraryCheckInput, DrugLibraryOverrides, DrugLibraryViolation } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, assertMayUseIn } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';
import { Clock } from '../infra/clock';
import { DrugLibraryRepository } from './drug-library.repository';

const NOT_A_CLINIC = 'is not a known clinic';

/** Edits stored before a bound was lowered in the code no longer resolve: the checks then fall back to the code's library. */
function libraryOf(overrides: DrugLibraryOverrides | null): DrugLibrary {
  try {
    return resolveDrugLibrary(overrides);
  } catch {
    return DEFAULT_DRUG_LIBRARY;
  }
}

@Injectable()
export class DrugLibraryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: DrugLibraryRepository,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async get(actor: Actor, clinicId: string): Promise<ClinicDrugLibrary> {
    const overrides = await this.repository.overridesOf(this.dataSource.manager, clinicId);
    if (overrides === undefined) throw DomainError.notFound('id', NOT_A_CLINIC);
    assertMayUseIn(actor, 'read', clinicId, 'id', NOT_A_CLINIC);
    return answer(clinicId, overrides);
  }

  async update(actor: Actor, clinicId: string, request: DrugLibraryOverrides): Promise<ClinicDrugLibrary> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.repository.overridesOf(manager, clinicId, true);
      if (before === undefined) throw DomainError.notFound('id', NOT_A_CLINIC);
      assertMayUseIn(actor, 'administer', clinicId, 'id', NOT_A_CLINIC);
      const overrides = Object.keys(request).length === 0 ? null : request;
      const library = resolveDrugLibrary(overrides); // 422 naming the field beyond the code's bounds
      await this.repository.saveOverrides(manager, clinicId, overrides, this.clock.now());
      await this.events.record(manager, { type: 'clinic.drug_library_changed', clinicId, pumpId: null, payload: { overrides } });
      await this.audit.record(manager, actor, {
        action: 'clinic.drug_library_changed',
        entityType: 'clinic',
        entityId: clinicId,
        clinicId,
        changes: { drugLibraryOverrides: { before: before, after: overrides }, drugLibrary: { before: libraryOf(before), after: library } },
      });
      return answer(clinicId, overrides);
    });
  }

  /** The library the checks use for the clinic (inside the caller's transaction). */
  async libraryFor(manager: EntityManager, clinicId: string): Promise<DrugLibrary> {
    return libraryOf((await this.repository.overridesOf(manager, clinicId)) ?? null);
  }

  /**
   * Refuses (422) a write outside the clinic's library: hard limits whatever the reason, soft ones until `reasonField` is given.
   * Returns the soft limits the reason overrides, to store with the record and audit.
   */
  async enforce(
    manager: EntityManager,
    clinicId: string,
    input: DrugLibraryCheckInput,
    reason: string | null | undefined,
    reasonField: string,
  ): Promise<DrugLibraryViolation[]> {
    return enforceLibrary(checkAgainstLibrary(await this.libraryFor(manager, clinicId), input), reason, reasonField);
  }

  /** Refuses (422) the hard limits only: targets that do not set the pump themselves (a taper plan's doses). */
  async refuseHard(manager: EntityManager, clinicId: string, input: DrugLibraryCheckInput): Promise<void> {
    const check = checkAgainstLibrary(await this.libraryFor(manager, clinicId), input);
    enforceLibrary({ hard: check.hard, soft: [] }, null, 'doseChangeReason');
  }

  /**
   * Pumps whose program or fill in force is outside the clinic's library (for the planner, which flags and never refuses): every
   * hard limit, and soft limits the record did not override with a reason (e.g. a library tightened since). Pumps inside are left out.
   */
  async outsideLibrary(
    manager: EntityManager,
    clinicId: string,
    pumpIds: readonly string[],
    at: Date,
  ): Promise<Map<string, DrugLibraryViolation[]>> {
    const library = await this.libraryFor(manager, clinicId);
    const outside = new Map<string, DrugLibraryViolation[]>();
    for (const pump of await this.repository.settingsInForce(manager, pumpIds, at)) {
      const check = checkAgainstLibrary(library, {
        modelId: pump.modelId,
        spasticityOrigin: pump.spasticityOrigin,
        concentrationMcgPerMl: pump.concentrationMcgPerMl,
        program: pump.program,
      });
      const confirmed = (v: DrugLibraryViolation) =>
        pump.overridden.some((o) => o.field === v.field && o.rule === v.rule && o.value === v.value);
      const violations = [...check.hard, ...check.soft.filter((v) => !confirmed(v))];
      if (violations.length > 0) outside.set(pump.pumpId, violations);
    }
    return outside;
  }

  /** Every clinic's library by clinic id; a clinic without edits takes the defaults (`get` falls back to them). */
  async libraries(manager: EntityManager = this.dataSource.manager): Promise<{ get(clinicId: string): DrugLibrary }> {
    const all = await this.repository.allOverrides(manager);
    const resolved = new Map([...all].map(([clinicId, overrides]) => [clinicId, libraryOf(overrides)]));
    return { get: (clinicId) => resolved.get(clinicId) ?? DEFAULT_DRUG_LIBRARY };
  }
}

function answer(clinicId: string, overrides: DrugLibraryOverrides | null): ClinicDrugLibrary {
  return { clinicId, library: libraryOf(overrides), overrides, defaults: DEFAULT_DRUG_LIBRARY };
}
