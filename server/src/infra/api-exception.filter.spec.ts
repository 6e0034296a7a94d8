// One mapping from errors to ApiErrorBody: domain codes, zod issues, unique violations, HTTP and body-parser errors.
import { ArgumentsHost, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import { createProgramSchema, DomainError } from '@pumpwatch/shared';
import { QueryFailedError } from 'typeorm';
import { ApiExceptionFilter } from './api-exception.filter';

function answer(exception: unknown): { status: number; body: Record<string, unknown> } {
  const sent = { status: 0, body: {} as Record<string, unknown> };
  const response = {
    status(code: number) { sent.status = code; return this; },
    json(body: Record<string, unknown>) { sent.body = body; return this; },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
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
    const result = createProgramSchema.safeParse({ effectiveFrom: '2026-01-01T00:00:00Z', steps: [{ startTime: '06:00', doseMcgPerDay: 1 }] });
    const { status, body } = answer(result.error);
    expect(status).toBe(400);
    expect(body.fields).toEqual([expect.objectContaining({ field: 'steps.0.startTime' })]);
  });

  it('maps a unique violation to 409 naming the protected field', () => {
    const error = new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'pumps_serial_number_key' }));
    expect(answer(error)).toMatchObject({ status: 409, body: { statusCode: 409, error: 'conflict', fields: [{ field: 'serialNumber' }] } });
  });

  it('keeps the shape for HTTP exceptions and hides unknown errors behind a 500', () => {
    expect(answer(new NotFoundException('Cannot GET /api/x'))).toMatchObject({ status: 404, body: { statusCode: 404, error: 'not_found' } });
    const silent = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const { status, body } = answer(new Error('boom'));
    silent.mockRestore();
    expect(status).toBe(500);
    expect(body).toEqual({ statusCode: 500, error: 'internal_error', message: 'Internal server error', fields: [] });
  });

  it('maps a body over the limit to 413 naming the body, without the parser internals', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, statusCode: 413, expose: true, type: 'entity.too.large', limit: 1048576 });
    expect(answer(tooLarge)).toEqual({
      status: 413,
      body: { statusCode: 413, error: 'payload_too_large', message: 'body is larger than the 1048576-byte limit', fields: [{ field: 'body', message: 'is larger than the 1048576-byte limit' }] },
    });
  });

  it('maps an unsupported body encoding to 415 and keeps unexposed parser errors behind a 500', () => {
    const encoding = Object.assign(new Error('unsupported content encoding "br"'), { status: 415, expose: true, type: 'encoding.unsupported' });
    expect(answer(encoding)).toMatchObject({ status: 415, body: { error: 'unsupported_media_type', fields: [{ field: 'body' }] } });
    const silent = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const internal = answer(Object.assign(new Error('stream is not readable'), { status: 500, expose: false, type: 'stream.not.readable' }));
    silent.mockRestore();
    expect(internal).toEqual({ status: 500, body: { statusCode: 500, error: 'internal_error', message: 'Internal server error', fields: [] } });
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
