// One mapping from errors to ApiErrorBody: domain codes, zod issues, unique violations, HTTP and body-parser errors.
import { ArgumentsHost, InternalServerErrorException, Logger, NotFoundException } from '@nestjs/common';
import { createProgramSchema, DomainError } from '@pumpwatch/shared';
import { QueryFailedError } from 'typeorm';
import { ApiExceptionFilter } from './api-exception.filter';

function answer(exception: unknown, request: { id?: unknown } = {}): { status: number; body: Record<string, unknown> } {
  const sent = { status: 0, body: {} as Record<string, unknown> };
  const response = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: Record<string, unknown>) {
      sent.body = body;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }) } as unknown as ArgumentsHost;
  new ApiExceptionFilter().catch(exception, host);
  return sent;
}

describe('ApiExceptionFilter', () => {
  it.each([
    [DomainError.rule('volumeMl', 'too much'), 422, 'volumeMl'],
    [DomainError.notFound('patientId', 'unknown'), 404, 'patientId'],
    [DomainError.conflict('serialNumber', 'taken'), 409, 'serialNumber'],
    [new DomainError('validation_failed', 'bad', [{ field: 'at', message: 'bad' }]), 400, 'at'],
  ])('maps %p to its status naming the field', (error, status, field) => {
    const { status: sent, body } = answer(error);
    expect(sent).toBe(status);
    expect(body).toMatchObject({ statusCode: status, fields: [{ field }] });
  });

  it('maps a zod error to 400 with dotted paths', () => {
    const result = createProgramSchema.safeParse({
      effectiveFrom: '2026-01-01T00:00:00Z',
      steps: [{ startTime: '06:00', doseMcgPerDay: 1 }],
    });
    const { status, body } = answer(result.error);
    expect(status).toBe(400);
    expect(body.fields).toEqual([expect.objectContaining({ field: 'steps.0.startTime' })]);
  });

  it('maps a unique violation to 409 naming the protected field', () => {
    const error = new QueryFailedError(
      'INSERT',
      [],
      Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'pumps_serial_number_key' }),
    );
    expect(answer(error)).toMatchObject({ status: 409, body: { statusCode: 409, error: 'conflict', fields: [{ field: 'serialNumber' }] } });
  });

  const pgError = (code: string, extra: Record<string, string> = {}) =>
    new QueryFailedError('INSERT', [], Object.assign(new Error(`pg ${code}`), { code, ...extra }));

  it.each([
    ['22P02 invalid text representation', pgError('22P02'), 400, 'body'],
    ['22021 character not in repertoire, with its column', pgError('22021', { column: 'display_name' }), 400, 'displayName'],
    ['22003 numeric value out of range', pgError('22003', { column: 'volume_ml' }), 400, 'volumeMl'],
    ['22008 datetime field overflow', pgError('22008'), 400, 'body'],
    ['22P05 untranslatable character (jsonb)', pgError('22P05'), 400, 'body'],
    ['54000 program limit exceeded', pgError('54000'), 400, 'body'],
    ['23502 not-null violation', pgError('23502', { column: 'clinic_id' }), 400, 'clinicId'],
    [
      '23514 check violation, the column inside the constraint name',
      pgError('23514', { table: 'patients', constraint: 'patients_weight_kg_check' }),
      422,
      'weightKg',
    ],
    [
      '23503 a key naming nothing',
      pgError('23503', { detail: 'Key (clinician_id)=(x) is not present in table "clinicians".' }),
      422,
      'clinicianId',
    ],
    ['23503 a row still referenced', pgError('23503', { detail: 'Key (id)=(x) is still referenced from table "fills".' }), 409, 'id'],
  ])('maps PostgreSQL %s caused by input to %p naming the field', (_what, error, status, field) => {
    const silent = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { status: sent, body } = answer(error);
    silent.mockRestore();
    expect(sent).toBe(status);
    expect(body).toMatchObject({ statusCode: status, fields: [{ field }] });
  });

  it.each([['08006 connection failure'], ['57P01 admin shutdown'], ['53100 disk full'], ['XX000 internal error']])(
    'keeps PostgreSQL %s a 500 (a real fault)',
    (what) => {
      const silent = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      const { status, body } = answer(pgError(what.slice(0, 5)));
      silent.mockRestore();
      expect(status).toBe(500);
      expect(body).toEqual({ statusCode: 500, error: 'internal_error', message: 'Internal server error', fields: [] });
    },
  );

  it('logs a 500 with the request id', () => {
    const logged: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void logged.push(String(message)));
    answer(new Error('boom'), { id: 'req-5xx-0042' });
    spy.mockRestore();
    expect(logged).toEqual([expect.stringContaining('req-5xx-0042')]);
  });

  it('keeps the shape for HTTP exceptions and hides unknown errors behind a 500', () => {
    expect(answer(new NotFoundException('Cannot GET /api/x'))).toMatchObject({
      status: 404,
      body: { statusCode: 404, error: 'not_found' },
    });
    const silent = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const { status, body } = answer(new Error('boom'));
    silent.mockRestore();
    expect(status).toBe(500);
    expect(body).toEqual({ statusCode: 500, error: 'internal_error', message: 'Internal server error', fields: [] });
  });

  it('maps a body over the limit to 413 naming the body, without the parser internals', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      statusCode: 413,
      expose: true,
      type: 'entity.too.large',
      limit: 1048576,
    });
    expect(answer(tooLarge)).toEqual({
      status: 413,
      body: {
        statusCode: 413,
        error: 'payload_too_large',
        message: 'body is larger than the 1048576-byte limit',
        fields: [{ field: 'body', message: 'is larger than the 1048576-byte limit' }],
      },
    });
  });

  it('maps an unsupported body encoding to 415 and keeps unexposed parser errors behind a 500', () => {
    const encoding = Object.assign(new Error('unsupported content encoding "br"'), {
      status: 415,
      expose: true,
      type: 'encoding.unsupported',
    });
    expect(answer(encoding)).toMatchObject({ status: 415, body: { error: 'unsupported_media_type', fields: [{ field: 'body' }] } });
    const silent = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const internal = answer(
      Object.assign(new Error('stream is not readable'), { status: 500, expose: false, type: 'stream.not.readable' }),
    );
    silent.mockRestore();
    expect(internal).toEqual({
      status: 500,
      body: { statusCode: 500, error: 'internal_error', message: 'Internal server error', fields: [] },
    });
  });

  it('never sends the message of a 500 HttpException (it may name internals)', () => {
    const silent = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const { status, body } = answer(new InternalServerErrorException('connection to 10.0.0.5 refused for user owner'));
    silent.mockRestore();
    expect(status).toBe(500);
    expect(body).toEqual({ statusCode: 500, error: 'internal_error', message: 'Internal server error', fields: [] });
    expect(JSON.stringify(body)).not.toMatch(/10\.0\.0\.5|stack|at /);
  });
});
