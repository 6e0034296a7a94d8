// Errors of the FHIR API, each answered as an OperationOutcome with its HTTP status (fhir-exception.filter.ts).
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';

export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly issueCode: OperationOutcomeIssue['code'],
    message: string,
    /** The search parameter or element at fault, as FHIRPath-ish text (`Patient.identifier`, `_count`). */
    readonly expression: string | null = null,
  ) {
    super(message);
    this.name = 'FhirError';
  }

  /** 400 naming the search parameter (FHIR's strict handling of search parameters). */
  static badParam(name: string, message: string): FhirError {
    return new FhirError(400, 'invalid', `search parameter ${name} ${message}`, name);
  }

  static notFound(resourceType: string, id: string): FhirError {
    return new FhirError(404, 'not-found', `${resourceType}/${id} is not known`);
  }

  static unknownType(resourceType: string): FhirError {
    return new FhirError(404, 'not-supported', `resource type ${resourceType} is not served by this server`);
  }
}
