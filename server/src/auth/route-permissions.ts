// Maps each Nest route handler to its row of the shared permission table; a route without a row stops the server.
import { Injectable, OnModuleInit, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Capability, ROUTE_PERMISSIONS } from '@pumpwatch/shared';

const API_PREFIX = '/api';
/** Controllers served outside /api under their own path (the FHIR API answers at /fhir, where FHIR clients expect a base). */
export const UNPREFIXED_CONTROLLER_PATHS: readonly string[] = ['fhir'];

function joinPath(...parts: (string | string[] | undefined)[]): string {
  const segments = parts
    .flatMap((p) => (Array.isArray(p) ? p[0] : p) ?? '')
    .flatMap((p) => p.split('/'))
    .filter((s) => s.length > 0);
  return `/${segments.join('/')}`;
}

/** `METHOD /api/path` of a handler, as the permission table spells it; null for a method that is not a route. */
export function routeKeyOf(controller: object, handler: object): string | null {
  const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
  const handlerPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
  if (method === undefined || handlerPath === undefined) return null;
  const controllerPath = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
  const first = (Array.isArray(controllerPath) ? controllerPath[0] : controllerPath)?.replace(/^\/+/, '').split('/')[0];
  const prefix = first !== undefined && UNPREFIXED_CONTROLLER_PATHS.includes(first) ? undefined : API_PREFIX;
  return `${RequestMethod[method]} ${joinPath(prefix, controllerPath, handlerPath)}`;
}

export function capabilityOf(key: string): Capability | undefined {
  return (ROUTE_PERMISSIONS as Record<string, Capability>)[key];
}

@Injectable()
export class RoutePermissionCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  /** Fails closed at start-up rather than at the first request: every route must have its row. */
  onModuleInit(): void {
    const missing = this.routeKeys().filter((key) => capabilityOf(key) === undefined);
    if (missing.length > 0)
      throw new Error(`routes without a row in ROUTE_PERMISSIONS (shared/src/access/permissions.ts): ${missing.join(', ')}`);
  }

  /** Every route the application serves. */
  routeKeys(): string[] {
    const keys: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => object) | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, object>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const key = routeKeyOf(controller, prototype[name]);
        if (key) keys.push(key);
      }
    }
    return keys;
  }
}
