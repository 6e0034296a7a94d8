// HTTP adapter for the spreadsheet import: upload (dry run), confirm, and the template.
import {
  ArgumentsHost,
  BadRequestException,
  Body,
  Catch,
  Controller,
  ExceptionFilter,
  Get,
  Header,
  HttpCode,
  Param,
  PayloadTooLargeException,
  Post,
  UploadedFile,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import {
  DomainError,
  IMPORT_DATE_ORDERS,
  IMPORT_LIMITS,
  IMPORT_TEMPLATE_CSV,
  ImportConfirmation,
  ImportDateOrder,
  ImportDryRun,
} from '@pumpwatch/shared';
import type { Response } from 'express';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { ImportsService } from './imports.service';
import type { UploadedFile as SpreadsheetUpload } from './spreadsheet-file';

const LIMIT_TEXT = `${IMPORT_LIMITS.maxFileBytes / (1024 * 1024)} MB`;

/** The upload's own errors (multer: too large, another field name) name the `file` field like every other 4xx. */
@Catch(PayloadTooLargeException, BadRequestException)
class UploadErrorFilter implements ExceptionFilter {
  catch(exception: PayloadTooLargeException | BadRequestException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof PayloadTooLargeException) {
      response.status(413).json({
        statusCode: 413,
        error: 'payload_too_large',
        message: `file is larger than the ${LIMIT_TEXT} limit`,
        fields: [{ field: 'file', message: `is larger than the ${LIMIT_TEXT} limit` }],
      });
      return;
    }
    const message = `must be one CSV or XLSX file in the multipart field "file" (${exception.message})`;
    response
      .status(400)
      .json({ statusCode: 400, error: 'validation_failed', message: `file ${message}`, fields: [{ field: 'file', message }] });
  }
}

@ApiTags('imports')
@Controller()
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post('clinics/:id/imports')
  @HttpCode(200)
  @UseFilters(UploadErrorFilter)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: IMPORT_LIMITS.maxFileBytes, files: 1, fields: 5 } }))
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' }, dateOrder: { type: 'string', enum: [...IMPORT_DATE_ORDERS] } },
    },
  })
  upload(
    @CurrentActor() actor: Actor,
    @Param('id') clinicId: string,
    @UploadedFile() file: SpreadsheetUpload | undefined,
    @Body() body: { dateOrder?: unknown } | undefined,
  ): Promise<ImportDryRun> {
    const dateOrder = body?.dateOrder;
    if (dateOrder !== undefined && dateOrder !== '' && !IMPORT_DATE_ORDERS.includes(dateOrder as ImportDateOrder)) {
      throw DomainError.invalid('dateOrder', `must be one of ${IMPORT_DATE_ORDERS.join(', ')}`);
    }
    return this.imports.dryRun(actor, clinicId, file, dateOrder ? (dateOrder as ImportDateOrder) : undefined);
  }

  @Post('clinics/:id/imports/:importId/confirm')
  @HttpCode(200)
  confirm(@CurrentActor() actor: Actor, @Param('id') clinicId: string, @Param('importId') importId: string): Promise<ImportConfirmation> {
    return this.imports.confirm(actor, clinicId, importId);
  }

  @Get('imports/template.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="pumpwatch-import-template.csv"')
  @Header('cache-control', 'no-store')
  template(): string {
    return IMPORT_TEMPLATE_CSV;
  }
}
