// Reads an alert's escalation and pages for the dashboard, scoped by clinic like every other record.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@pumpwatch/shared';
import type { AlertPages } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { Actor, assertMayUseIn } from '../auth/actor';
import { PagingRepository } from './paging.repository';
import { toEscalationState, toPage } from './paging.mapper';

@Injectable()
export class AlertPagesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: PagingRepository,
  ) {}

  async get(actor: Actor, alertId: string): Promise<AlertPages> {
    const alert = await this.repository.alert(this.dataSource.manager, alertId);
    if (!alert) throw DomainError.notFound('id', 'is not a known alert');
    assertMayUseIn(actor, 'read', alert.clinicId, 'id', 'is not a known alert');
    const [escalation, pages] = await Promise.all([this.repository.escalationOf(alertId), this.repository.pagesOfAlert(alertId)]);
    return { alertId, escalation: escalation ? toEscalationState(escalation) : null, pages: pages.map(toPage) };
  }
}
