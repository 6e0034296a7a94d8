// HTTP adapter of the read-only FHIR R4 API under /fhir (outside /api): metadata, read by id, search with Bundle paging.
import { Controller, Get, Header, Inject, Param, Query, Req, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Bundle, CapabilityStatement, Resource } from '@medplum/fhirtypes';
import type { Request } from 'express';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { APP_OPTIONS } from '../infra/app-options';
import type { AppOptions } from '../infra/app-options';
import { FHIR_CONTENT_TYPE, FhirExceptionFilter } from './fhir-exception.filter';
import type { RawQuery } from './fhir-search';
import { FhirService } from './fhir.service';

/** The FHIR base path; the app serves it without the /api prefix (app.factory.ts, route-permissions.ts). */
export const FHIR_BASE_PATH = 'fhir';

// FHIR clients read the CapabilityStatement, not OpenAPI: kept out of the Swagger document.
@ApiExcludeController()
@UseFilters(FhirExceptionFilter)
@Controller(FHIR_BASE_PATH)
export class FhirController {
  constructor(
    private readonly fhir: FhirService,
    @Inject(APP_OPTIONS) private readonly options: AppOptions,
  ) {}

  @Get('metadata')
  @Header('Content-Type', FHIR_CONTENT_TYPE)
  metadata(@Req() request: Request): CapabilityStatement {
    return this.fhir.metadata(this.baseUrlOf(request));
  }

  @Get(':resourceType')
  @Header('Content-Type', FHIR_CONTENT_TYPE)
  search(
    @CurrentActor() actor: Actor,
    @Param('resourceType') resourceType: string,
    @Query() query: RawQuery,
    @Req() request: Request,
  ): Promise<Bundle> {
    return this.fhir.search(actor, resourceType, query, this.baseUrlOf(request));
  }

  @Get(':resourceType/:id')
  @Header('Content-Type', FHIR_CONTENT_TYPE)
  read(@CurrentActor() actor: Actor, @Param('resourceType') resourceType: string, @Param('id') id: string): Promise<Resource> {
    return this.fhir.read(actor, resourceType, id);
  }

  /** Where clients reach /fhir: the configured public address, else this request's own host. */
  private baseUrlOf(request: Request): string {
    const origin = this.options.publicUrl
      ? this.options.publicUrl.replace(/\/+$/, '')
      : `${request.protocol}://${request.get('host') ?? 'localhost'}`;
    return `${origin}/${FHIR_BASE_PATH}`;
  }
}
