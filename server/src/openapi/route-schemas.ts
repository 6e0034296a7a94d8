// Finds, for every route, the zod schemas its controller validates the body and the query with (the pipes' own schemas).
import type { INestApplicationContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { z } from 'zod';
import { routeKeyOf } from '../auth/route-permissions';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';

export interface RouteSchemas {
  /** `METHOD /api/path`, as the permission table spells it. */
  key: string;
  body: z.ZodType | null;
  query: z.ZodType | null;
}

interface RouteArgument {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

/** The zod schema of the first ZodValidationPipe on a whole-body or whole-query argument of the handler. */
function schemaOf(args: Record<string, RouteArgument>, type: RouteParamtypes): z.ZodType | null {
  for (const [key, argument] of Object.entries(args)) {
    if (Number(key.split(':')[0]) !== type || argument.data !== undefined) continue;
    const pipe = (argument.pipes ?? []).find((p): p is ZodValidationPipe<z.ZodType> => p instanceof ZodValidationPipe);
    if (pipe) return pipe.schema;
  }
  return null;
}

export function routeSchemas(app: INestApplicationContext): Map<string, RouteSchemas> {
  const discovery = app.get(DiscoveryService, { strict: false });
  const scanner = app.get(MetadataScanner, { strict: false });
  const routes = new Map<string, RouteSchemas>();
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: unknown[]) => object) | null;
    if (!controller) continue;
    const prototype = controller.prototype as Record<string, object>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const key = routeKeyOf(controller, prototype[name]);
      if (!key) continue;
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, RouteArgument>;
      routes.set(key, { key, body: schemaOf(args, RouteParamtypes.BODY), query: schemaOf(args, RouteParamtypes.QUERY) });
    }
  }
  return routes;
}
