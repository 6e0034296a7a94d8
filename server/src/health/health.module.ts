// Health feature (terminus).
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PagingModule } from '../paging/paging.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule.forRoot({ logger: false }), PagingModule], controllers: [HealthController] })
export class HealthModule {}
