// The server's CapabilityStatement: FHIR R4, JSON only, read and search-type on each resource kind with its search parameters.
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { FhirResourceKind, FhirResourceType } from './fhir-resources.service';
import { MAX_PAGE_SIZE } from './fhir-search';

const PROFILE_BASE = 'http://hl7.org/fhir/StructureDefinition';

export function capabilityStatement(kinds: Record<FhirResourceType, FhirResourceKind>, baseUrl: string, date: string): CapabilityStatement {
  const resource: CapabilityStatementRestResource[] = (Object.keys(kinds) as FhirResourceType[]).map((type) => ({
    type,
    profile: `${PROFILE_BASE}/${type}`,
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    versioning: 'no-version',
    readHistory: false,
    searchParam: [
      ...kinds[type].searchParams.map((p) => ({ name: p.name, type: p.type, documentation: p.documentation })),
      { name: '_count', type: 'number' as const, documentation: `page size, 1-${MAX_PAGE_SIZE} (default 50)` },
      { name: '_cursor', type: 'string' as const, documentation: 'the next page, from the Bundle link "next" (opaque)' },
    ],
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    publisher: 'PumpWatch',
    kind: 'instance',
    software: { name: 'PumpWatch' },
    implementation: {
      description: 'PumpWatch read-only FHIR R4 API: intrathecal baclofen pumps, their refill forecasts and alerts',
      url: baseUrl,
    },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation:
          "Read-only. Sign in as for the REST API (Authorization: Bearer <accessToken>); only the records of the caller's clinics are visible. Unknown search parameters answer 400.",
        security: {
          cors: false,
          // None of FHIR's security service codes (OAuth, SMART, Basic, ...) is PumpWatch's own session token: described instead.
          description: 'Bearer access token of a PumpWatch session (POST /api/auth/login), or the dashboard session cookie',
        },
        resource,
      },
    ],
  };
}
