// A URL id that is not a UUID names nothing that exists: answer 404, not 400.
import { PipeTransform } from '@nestjs/common';
import { DomainError } from '@pumpwatch/shared';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class EntityIdPipe implements PipeTransform<string, string> {
  constructor(private readonly what: string) {}

  transform(value: string): string {
    if (!UUID.test(value)) throw DomainError.notFound('id', `is not a known ${this.what}`);
    return value.toLowerCase();
  }
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
