// HTTP adapter for acknowledge links (public routes: the token is the credential). GET shows a confirmation page and changes
// nothing; POST acknowledges, answering JSON, or HTML when the confirmation page's form posted it.
import { Body, Controller, Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { acknowledgeLinkSchema, DomainError } from '@pumpwatch/shared';
import type { AcknowledgeLinkResult } from '@pumpwatch/shared';
import type { Request, Response } from 'express';
import { openApiSchemaOf } from '../infra/openapi';
import { requestIdOf } from '../infra/request-id';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { confirmationPage, messagePage, resultPage } from './acknowledge-link.html';
import { AcknowledgeLinksService } from './acknowledge-links.service';

const STATUS_OF: Partial<Record<DomainError['code'], number>> = {
  validation_failed: 400,
  not_found: 404,
  conflict: 409,
  rule_violated: 422,
};

@ApiTags('paging')
@Controller('alerts/acknowledge-link')
export class AcknowledgeLinkController {
  constructor(private readonly links: AcknowledgeLinksService) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiQuery({ name: 'token', required: true, description: 'The token of the link, as the page carried it' })
  async confirm(@Query('token') token: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    res.type('html');
    const parsed = acknowledgeLinkSchema.safeParse({ token });
    if (!parsed.success) {
      res.status(400);
      return messagePage('Incomplete link', 'This acknowledge link has no token: copy the whole link from the page you received.');
    }
    const preview = await this.links.preview(parsed.data.token);
    if (preview.state === 'unknown') res.status(404);
    return confirmationPage(preview, parsed.data.token);
  }

  @Post()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiBody({ schema: openApiSchemaOf(acknowledgeLinkSchema) })
  async acknowledge(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Body() body: unknown,
  ): Promise<AcknowledgeLinkResult | string> {
    if (!req.is('application/x-www-form-urlencoded')) {
      const request = new ZodValidationPipe(acknowledgeLinkSchema).transform(body);
      return this.links.acknowledge(request.token, requestIdOf(req));
    }
    res.type('html');
    try {
      const request = new ZodValidationPipe(acknowledgeLinkSchema).transform(body);
      return resultPage(await this.links.acknowledge(request.token, requestIdOf(req)));
    } catch (error) {
      if (!(error instanceof DomainError) || STATUS_OF[error.code] === undefined) throw error;
      res.status(STATUS_OF[error.code] as number);
      return messagePage('Not acknowledged', `The link ${error.fields[0]?.message ?? error.message}.`);
    }
  }
}
