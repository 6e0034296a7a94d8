// Errors under /fhir answer as FHIR: an OperationOutcome (application/fhir+json) with the status the REST API would give.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { DomainError } from '@pumpwatch/shared';
import type { DomainErrorCode } from '@pumpwatch/shared';
import type { Request, Response } from 'express';
import { requestIdOf } from '../infra/request-id';
import { FhirError } from './fhir-error';

export const FHIR_CONTENT_TYPE = 'application/fhir+json; charset=utf-8';

/** FHIR issue codes (required binding, http://hl7.org/fhir/issue-type) and HTTP status of PumpWatch's domain codes. */
const OF_DOMAIN_CODE: Record<DomainErrorCode, { status: number; code: OperationOutcomeIssue['code'] }> = {
  validation_failed: { status: 400, code: 'invalid' },
  rule_violated: { status: 422, code: 'business-rule' },
  not_found: { status: 404, code: 'not-found' },
  conflict: { status: 409, code: 'conflict' },
  unauthenticated: { status: 401, code: 'login' },
  forbidden: { status: 403, code: 'forbidden' },
  password_change_required: { status: 403, code: 'forbidden' },
  csrf_token_invalid: { status: 403, code: 'forbidden' },
  too_many_requests: { status: 429, code: 'throttled' },
};

export function operationOutcome(code: OperationOutcomeIssue['code'], message: string, expression: string | null = null): OperationOutcome {
  const issue: OperationOutcomeIssue = { severity: 'error', code, diagnostics: message, details: { text: message } };
  if (expression) issue.expression = [expression];
  return { resourceType: 'OperationOutcome', issue: [issue] };
}

@Catch()
export class FhirExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('FhirExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const { status, outcome } = this.toOutcome(exception);
    if (status >= 500) {
      const requestId = requestIdOf(http.getRequest<Request & { id?: unknown }>());
      this.logger.error(
        `request ${requestId ?? '-'}: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
      );
    }
    response.status(status).setHeader('Content-Type', FHIR_CONTENT_TYPE);
    response.send(JSON.stringify(outcome));
  }

  private toOutcome(exception: unknown): { status: number; outcome: OperationOutcome } {
    if (exception instanceof FhirError) {
      return { status: exception.status, outcome: operationOutcome(exception.issueCode, exception.message, exception.expression) };
    }
    if (exception instanceof DomainError || (exception instanceof Error && exception.name === 'DomainError' && 'code' in exception)) {
      const error = exception as DomainError;
      const mapped = OF_DOMAIN_CODE[error.code] ?? { status: 400, code: 'invalid' as const };
      return { status: mapped.status, outcome: operationOutcome(mapped.code, error.message, error.fields[0]?.field ?? null) };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      return {
        status: exception.getStatus(),
        outcome: operationOutcome(exception.getStatus() === 404 ? 'not-found' : 'invalid', exception.message),
      };
    }
    return { status: 500, outcome: operationOutcome('exception', 'Internal server error') };
  }
}
