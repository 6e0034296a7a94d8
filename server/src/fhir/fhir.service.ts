// Use cases of the FHIR API: read one resource or search a kind (one Bundle page), auditing every read of patient data.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Bundle, CapabilityStatement, Resource } from '@medplum/fhirtypes';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, FieldChanges } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../infra/clock';
import { capabilityStatement } from './capability-statement';
import { FhirError } from './fhir-error';
import { FHIR_RESOURCE_TYPES, FhirResourceKind, FhirResourcesService, FhirResourceType, ResourceMatch } from './fhir-resources.service';
import { assertKnownParams, pageInMemory, pageRequestOf, RawQuery, searchsetBundleOfPage } from './fhir-search';

/** Audit actions of FHIR reads; entity type `fhir.<ResourceType>`. */
export const FHIR_AUDIT_ACTIONS = { read: 'fhir.read', search: 'fhir.search' } as const;

@Injectable()
export class FhirService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly resources: FhirResourcesService,
    private readonly audit: AuditService,
  ) {}

  metadata(baseUrl: string): CapabilityStatement {
    return capabilityStatement(this.resources.kinds, baseUrl, this.clock.now().toISOString());
  }

  async read(actor: Actor, resourceType: string, id: string): Promise<Resource> {
    const type = this.typeOf(resourceType);
    const match = await this.resources.kinds[type].read(actor, id);
    if (this.resources.kinds[type].patientCompartment) {
      await this.record(actor, FHIR_AUDIT_ACTIONS.read, type, match.resource.id, match.clinicId, {
        patientId: { before: null, after: match.patientId },
      });
    }
    return match.resource;
  }

  /** One page of the matches (ordered by id), the total of all pages, and self/next links; the page's patients are audited. */
  async search(actor: Actor, resourceType: string, query: RawQuery, baseUrl: string): Promise<Bundle> {
    const type = this.typeOf(resourceType);
    const kind: FhirResourceKind = this.resources.kinds[type];
    assertKnownParams(
      query,
      kind.searchParams.map((p) => p.name),
    );
    const page = pageRequestOf(query);
    // Kinds that page in SQL answer one page; the others are matched whole and paged here.
    const result = kind.searchPage
      ? await kind.searchPage(actor, query, page)
      : pageInMemory(await kind.search(actor, query), page, (m) => m.resource.id);
    const bundle = searchsetBundleOfPage({ ...result, shown: result.shown.map((m) => m.resource) }, page, {
      baseUrl,
      resourceType: type,
      query,
    });
    if (kind.patientCompartment) await this.recordSearch(actor, type, query, result.shown);
    return bundle as Bundle;
  }

  private typeOf(resourceType: string): FhirResourceType {
    if (!(FHIR_RESOURCE_TYPES as readonly string[]).includes(resourceType)) throw FhirError.unknownType(resourceType);
    return resourceType as FhirResourceType;
  }

  /**
   * One audit row per clinic whose patient data the page shows (so each clinic's administrators see who read their patients), with
   * the query and the patients; one row without a clinic when the page is empty: the search itself is on record.
   */
  private async recordSearch(actor: Actor, type: FhirResourceType, query: RawQuery, shown: ResourceMatch[]): Promise<void> {
    const byClinic = new Map<string, Set<string>>();
    for (const match of shown) {
      const patients = byClinic.get(match.clinicId) ?? new Set<string>();
      if (match.patientId) patients.add(match.patientId);
      byClinic.set(match.clinicId, patients);
    }
    const queryText = new URLSearchParams(
      Object.entries(query).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string').map((v) => [name, v]),
      ),
    ).toString();
    const rows: [string | null, string[]][] =
      byClinic.size === 0 ? [[null, []]] : [...byClinic].map(([clinicId, patients]) => [clinicId, [...patients].sort()]);
    // One transaction: the search is on record for every clinic it showed, or for none (and then it fails).
    await this.dataSource.transaction(async (manager) => {
      for (const [clinicId, patientIds] of rows) {
        await this.record(
          actor,
          FHIR_AUDIT_ACTIONS.search,
          type,
          null,
          clinicId,
          {
            query: { before: null, after: queryText },
            patientIds: { before: null, after: patientIds },
          },
          manager,
        );
      }
    });
  }

  private async record(
    actor: Actor,
    action: string,
    type: FhirResourceType,
    entityId: string | null,
    clinicId: string | null,
    changes: FieldChanges,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await this.audit.record(manager, actor, { action, entityType: `fhir.${type}`, entityId, clinicId, changes });
  }
}
