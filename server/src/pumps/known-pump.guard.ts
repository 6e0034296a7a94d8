// Pump-scoped routes answer 404 for an unknown pump before looking at the body: the resource comes first.
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@pumpwatch/shared';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { isUuid } from '../infra/entity-id.pipe';

@Injectable()
export class KnownPumpGuard implements CanActivate {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const id = context.switchToHttp().getRequest<Request>().params.id;
    if (typeof id !== 'string' || !isUuid(id)) throw DomainError.notFound('id', 'is not a known pump');
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM pumps WHERE id = $1', [id]);
    if (rows.length === 0) throw DomainError.notFound('id', 'is not a known pump');
    return true;
  }
}
