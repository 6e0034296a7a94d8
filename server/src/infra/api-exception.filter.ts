// The one place errors become HTTP answers: domain codes, zod issues and PostgreSQL constraints to ApiErrorBody.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ApiErrorBody, DomainErrorCode } from '@pumpwatch/shared';
import { DomainError } from '@pumpwatch/shared';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { ZodError } from 'zod';
import { requestIdOf } from './request-id';
import { fieldsOfZodIssues } from './zod-validation.pipe';

const STATUS_OF_CODE: Record<DomainErrorCode, number> = {
  validation_failed: HttpStatus.BAD_REQUEST,
  rule_violated: HttpStatus.UNPROCESSABLE_ENTITY,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  password_change_required: HttpStatus.FORBIDDEN,
  csrf_token_invalid: HttpStatus.FORBIDDEN,
  too_many_requests: HttpStatus.TOO_MANY_REQUESTS,
};

/** Unique constraints and the request field each one protects (a race past the service's own check lands here). */
const FIELD_OF_UNIQUE_CONSTRAINT: Record<string, { field: string; message: string }> = {
  patients_clinic_id_mrn_key: { field: 'mrn', message: 'is already used by another patient of this clinic' },
  users_email_key: { field: 'email', message: 'is already used by another account' },
  pumps_serial_number_key: { field: 'serialNumber', message: 'is already registered' },
  pumps_one_active_per_patient: { field: 'replacesPumpId', message: 'the patient already has an active pump; name it to replace it' },
  fills_pump_id_filled_at_key: { field: 'filledAt', message: 'a fill is already recorded at this instant' },
  programs_pump_id_effective_from_key: { field: 'effectiveFrom', message: 'a program already takes effect at this instant' },
};

/** A PostgreSQL error as the pg driver reports it (TypeORM keeps it as `driverError`). */
interface PgError {
  code?: string;
  constraint?: string;
  column?: string;
  table?: string;
  detail?: string;
}

const snakeToCamel = (name: string): string => name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** The request field a PostgreSQL error names: its column, the key of its detail, or the column inside a check's name. */
function fieldOfPgError(error: PgError): string | null {
  if (error.column) return snakeToCamel(error.column);
  const key = error.detail ? /^Key \(([a-z_][a-z0-9_]*)\)=/.exec(error.detail) : null;
  if (key) return snakeToCamel(key[1]);
  if (error.constraint && error.table && error.constraint.startsWith(`${error.table}_`) && error.constraint.endsWith('_check')) {
    return snakeToCamel(error.constraint.slice(error.table.length + 1, -'_check'.length));
  }
  return null;
}

/**
 * Errors PostgreSQL gives for what the request carried (a value it cannot store, a broken rule of the schema), never for a fault
 * of the server: class 22 (data exception: invalid text, out of range, bad character, bad JSON), 23 (integrity), 54 (a value
 * past a program limit). Anything else (connection lost, shutdown, serialization, disk) stays a 500.
 */
function inputErrorOfPg(error: PgError): ApiErrorBody | null {
  const code = error.code ?? '';
  const field = fieldOfPgError(error);
  const fields = (message: string) => [{ field: field ?? 'body', message }];
  if (code === '23503') {
    // A key that names nothing is the request's fault (422); a row still referenced cannot go (409).
    if (error.detail?.includes('is still referenced')) {
      return body(
        HttpStatus.CONFLICT,
        'conflict',
        `${field ?? 'body'} is still referenced by other records`,
        fields('is still referenced by other records'),
      );
    }
    return body(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'rule_violated',
      `${field ?? 'body'} does not name a known record`,
      fields('does not name a known record'),
    );
  }
  if (code === '23514')
    return body(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'rule_violated',
      `${field ?? 'body'} breaks a rule of the record`,
      fields('breaks a rule of the record'),
    );
  if (code === '23502') return body(HttpStatus.BAD_REQUEST, 'validation_failed', `${field ?? 'body'} is required`, fields('is required'));
  if (code === '23P01')
    return body(
      HttpStatus.CONFLICT,
      'conflict',
      'conflicts with an existing record',
      field ? fields('conflicts with an existing record') : [],
    );
  if (code.startsWith('22') || code.startsWith('54')) {
    return body(
      HttpStatus.BAD_REQUEST,
      'validation_failed',
      `${field ?? 'body'} holds a value that cannot be stored`,
      fields('holds a value that cannot be stored'),
    );
  }
  return null;
}

function body(statusCode: number, error: string, message: string, fields: { field: string; message: string }[]): ApiErrorBody {
  return { statusCode, error, message, fields };
}

/** Errors of the body parser (http-errors): `expose` marks a message written for the client, never internals. */
interface BodyParserError extends Error {
  status: number;
  expose: boolean;
  type: string;
  limit?: number;
}

function isBodyParserError(value: unknown): value is BodyParserError {
  const candidate = value as Partial<BodyParserError> | null;
  return value instanceof Error && typeof candidate?.status === 'number' && typeof candidate.type === 'string' && candidate.expose === true;
}

function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError || (value instanceof Error && value.name === 'DomainError' && 'code' in value);
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    // Terminus answers 503 with its own health report: keep it, monitors read that shape.
    if (
      exception instanceof HttpException &&
      exception.getStatus() === HttpStatus.SERVICE_UNAVAILABLE &&
      typeof exception.getResponse() === 'object'
    ) {
      response.status(HttpStatus.SERVICE_UNAVAILABLE).json(exception.getResponse());
      return;
    }
    const answer = this.toBody(exception);
    // Throttled sign-ins say when to try again (RFC 9110 Retry-After, in seconds).
    const retryAfterSeconds = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    if (typeof retryAfterSeconds === 'number') response.setHeader('Retry-After', String(retryAfterSeconds));
    const requestId = requestIdOf(typeof http.getRequest === 'function' ? http.getRequest<{ id?: unknown }>() : null);
    if (answer.statusCode >= 500) {
      this.logger.error(
        `request ${requestId ?? '-'}: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
      );
    } else if (exception instanceof QueryFailedError) {
      // Input the schemas let through to the database: worth a look (a schema to tighten), not a page.
      const code = (exception as QueryFailedError & { driverError?: PgError }).driverError?.code ?? '';
      this.logger.warn(
        `request ${requestId ?? '-'}: PostgreSQL ${code} answered ${answer.statusCode} (${answer.fields?.map((f) => f.field).join(', ') ?? ''})`,
      );
    }
    response.status(answer.statusCode).json(answer);
  }

  private toBody(exception: unknown): ApiErrorBody {
    if (isDomainError(exception)) {
      const statusCode = STATUS_OF_CODE[exception.code] ?? HttpStatus.BAD_REQUEST;
      return body(statusCode, exception.code, exception.message, exception.fields);
    }
    if (exception instanceof ZodError) {
      const fields = fieldsOfZodIssues(exception.issues);
      return body(HttpStatus.BAD_REQUEST, 'validation_failed', fields.map((f) => `${f.field} ${f.message}`).join('; '), fields);
    }
    if (exception instanceof QueryFailedError) {
      const driverError = (exception as QueryFailedError & { driverError?: PgError }).driverError;
      if (driverError?.code === '23505') {
        const known = driverError.constraint ? FIELD_OF_UNIQUE_CONSTRAINT[driverError.constraint] : undefined;
        const fields = known ? [known] : [];
        return body(
          HttpStatus.CONFLICT,
          'conflict',
          known ? `${known.field} ${known.message}` : 'conflicts with an existing record',
          fields,
        );
      }
      const answer = driverError ? inputErrorOfPg(driverError) : null;
      if (answer) return answer;
    }
    if (isBodyParserError(exception) && exception.status >= 400 && exception.status < 500) {
      if (exception.status === HttpStatus.PAYLOAD_TOO_LARGE) {
        const limit = exception.limit !== undefined ? `the ${exception.limit}-byte limit` : 'the size limit';
        return body(HttpStatus.PAYLOAD_TOO_LARGE, 'payload_too_large', `body is larger than ${limit}`, [
          { field: 'body', message: `is larger than ${limit}` },
        ]);
      }
      const error = exception.status === HttpStatus.UNSUPPORTED_MEDIA_TYPE ? 'unsupported_media_type' : 'validation_failed';
      return body(exception.status, error, `body ${exception.message}`, [{ field: 'body', message: exception.message }]);
    }
    // A 500 thrown as an HttpException may carry an internal message: the client gets the generic one (the log has it).
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const statusCode = exception.getStatus();
      const raw = exception.getResponse();
      const message = typeof raw === 'string' ? raw : String((raw as { message?: unknown }).message ?? exception.message);
      // Malformed JSON bodies surface here from the body parser.
      const fields = statusCode === HttpStatus.BAD_REQUEST ? [{ field: 'body', message }] : [];
      const error =
        statusCode === HttpStatus.NOT_FOUND ? 'not_found' : statusCode === HttpStatus.BAD_REQUEST ? 'validation_failed' : exception.name;
      return body(statusCode, error, message, fields);
    }
    return body(HttpStatus.INTERNAL_SERVER_ERROR, 'internal_error', 'Internal server error', []);
  }
}
