// FHIR search parameters as PumpWatch reads them (token, reference, date with prefixes, paging) and the searchset Bundle's pages.
import type { Bundle, BundleLink, Resource } from '@medplum/fhirtypes';
import { isCalendarDate } from '@pumpwatch/shared';
import { FhirError } from './fhir-error';

/** Paging and format parameters every search takes. */
export const PAGING_PARAMS = ['_count', '_cursor', '_format'] as const;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
/** `_format` values that mean JSON: the only format served. */
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);

/** The raw query as Express parses it: a repeated parameter becomes an array. */
export type RawQuery = Record<string, unknown>;

/** Every value of a parameter (repeated parameters AND together; each value may hold comma-separated alternatives). */
export function valuesOf(query: RawQuery, name: string): string[] {
  const raw = query[name];
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.every((v): v is string => typeof v === 'string')) throw FhirError.badParam(name, 'must be a plain value');
  return list;
}

/** The one value of a parameter that may appear once; undefined when absent. */
export function singleValueOf(query: RawQuery, name: string): string | undefined {
  const values = valuesOf(query, name);
  if (values.length > 1) throw FhirError.badParam(name, 'may appear only once');
  if (values.length === 1 && values[0].trim() === '') throw FhirError.badParam(name, 'must not be empty');
  return values[0];
}

/** Refuses a parameter the resource does not search on (FHIR's strict handling), naming it. */
export function assertKnownParams(query: RawQuery, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name) && !(PAGING_PARAMS as readonly string[]).includes(name)) {
      throw FhirError.badParam(name, `is not a search parameter of this resource (known: ${[...allowed, ...PAGING_PARAMS].join(', ')})`);
    }
  }
  const format = singleValueOf(query, '_format');
  if (format !== undefined && !JSON_FORMATS.has(format))
    throw FhirError.badParam('_format', 'must be json: PumpWatch serves FHIR JSON only');
}

/** Alternatives of a token parameter (`system|code`, `|code`, `code`), the system null when not given. */
export interface TokenAlternative {
  system: string | null;
  code: string;
}

export function tokenParam(query: RawQuery, name: string): TokenAlternative[] | undefined {
  const value = singleValueOf(query, name);
  if (value === undefined) return undefined;
  return value.split(',').map((part) => {
    const bar = part.indexOf('|');
    const token = bar === -1 ? { system: null, code: part } : { system: part.slice(0, bar), code: part.slice(bar + 1) };
    if (token.code === '') throw FhirError.badParam(name, 'needs a code (system|code or code)');
    return token;
  });
}

/** A token parameter whose codes must come from a fixed list (status, active). */
export function codeParam<T extends string>(query: RawQuery, name: string, codes: readonly T[]): T[] | undefined {
  const tokens = tokenParam(query, name);
  if (tokens === undefined) return undefined;
  for (const token of tokens) {
    if (!(codes as readonly string[]).includes(token.code)) throw FhirError.badParam(name, `must be one of ${codes.join(', ')}`);
  }
  return tokens.map((t) => t.code as T);
}

/** Ids named by a reference parameter (`Patient/<id>`, `<id>`, or a full URL ending so); another resource type is refused. */
export function referenceParam(query: RawQuery, name: string, resourceType: string): string[] | undefined {
  const value = singleValueOf(query, name);
  if (value === undefined) return undefined;
  return value.split(',').map((part) => {
    const segments = part.split('/').filter((s) => s.length > 0);
    const id = segments[segments.length - 1] ?? '';
    const type = segments.length >= 2 ? segments[segments.length - 2] : resourceType;
    if (type !== resourceType) throw FhirError.badParam(name, `must reference a ${resourceType}`);
    if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id)) throw FhirError.badParam(name, 'is not a resource id');
    return id.toLowerCase();
  });
}

const DATE_PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le'] as const;
type DatePrefix = (typeof DATE_PREFIXES)[number];

/** One `date` condition: the prefix and the range [startMs, endMs) its value covers (a day covers the whole UTC day). */
export interface DateCondition {
  prefix: DatePrefix;
  startMs: number;
  endMs: number;
}

const DATE_VALUE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const INSTANT_VALUE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Every `date` condition (repeat the parameter for a range: `date=ge2026-01-01&date=lt2026-02-01`). */
export function dateParam(query: RawQuery, name: string): DateCondition[] {
  return valuesOf(query, name).map((raw) => {
    const hasPrefix = (DATE_PREFIXES as readonly string[]).includes(raw.slice(0, 2));
    const prefix = hasPrefix ? (raw.slice(0, 2) as DatePrefix) : 'eq';
    const text = hasPrefix ? raw.slice(2) : raw;
    const range = dateRangeOf(text);
    if (!range) throw FhirError.badParam(name, 'must be [prefix]YYYY, YYYY-MM, YYYY-MM-DD (a day that exists) or an instant with its zone');
    return { prefix, ...range };
  });
}

function dateRangeOf(text: string): { startMs: number; endMs: number } | null {
  if (INSTANT_VALUE.test(text)) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms) || !isCalendarDate(text.slice(0, 10))) return null;
    // An instant to the second covers that second.
    return { startMs: ms, endMs: ms + 1000 };
  }
  const match = DATE_VALUE.exec(text);
  if (!match) return null;
  const [, year, month, day] = match;
  if (day !== undefined) {
    if (!isCalendarDate(text)) return null;
    const start = Date.parse(`${text}T00:00:00Z`);
    return { startMs: start, endMs: start + 86_400_000 };
  }
  if (month !== undefined) {
    const m = Number(month);
    if (m < 1 || m > 12) return null;
    return { startMs: Date.UTC(Number(year), m - 1, 1), endMs: Date.UTC(Number(year), m, 1) };
  }
  return { startMs: Date.UTC(Number(year), 0, 1), endMs: Date.UTC(Number(year) + 1, 0, 1) };
}

/** Whether an instant (or the period [startMs, endMs]) meets every condition, as FHIR compares ranges. Null meets none. */
export function meetsDates(conditions: readonly DateCondition[], startMs: number | null, endMs: number | null = startMs): boolean {
  if (conditions.length === 0) return true;
  if (startMs === null) return false;
  const end = endMs ?? Number.POSITIVE_INFINITY;
  return conditions.every((c) => {
    switch (c.prefix) {
      case 'eq':
        return startMs >= c.startMs && end < c.endMs;
      case 'ne':
        return !(startMs >= c.startMs && end < c.endMs);
      case 'gt':
        return end >= c.endMs;
      case 'lt':
        return startMs < c.startMs;
      case 'ge':
        return end >= c.startMs;
      case 'le':
        return startMs < c.endMs;
    }
  });
}

export interface PageRequest {
  count: number;
  afterId: string | null;
}

export function pageRequestOf(query: RawQuery): PageRequest {
  const countText = singleValueOf(query, '_count');
  let count = DEFAULT_PAGE_SIZE;
  if (countText !== undefined) {
    if (!/^\d{1,4}$/.test(countText) || Number(countText) < 1 || Number(countText) > MAX_PAGE_SIZE) {
      throw FhirError.badParam('_count', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    }
    count = Number(countText);
  }
  const cursor = singleValueOf(query, '_cursor');
  return { count, afterId: cursor === undefined ? null : decodeCursor(cursor) };
}

/** The cursor is the last id of the previous page (results are ordered by id): rows added meanwhile neither repeat nor push others out. */
function encodeCursor(lastId: string): string {
  return Buffer.from(`after:${lastId}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^after:([A-Za-z0-9\-.]{1,64})$/.exec(text);
  if (!match) throw FhirError.badParam('_cursor', 'is not a cursor this server gave out');
  return match[1];
}

/** One page of a search: the matches it shows (ordered by id), the total over every page, and whether a next page follows. */
export interface SearchPage<T> {
  shown: T[];
  total: number;
  hasMore: boolean;
}

/** Pages matches held in memory: ordered by id, those after the cursor, `count` of them. */
export function pageInMemory<T>(matches: T[], page: PageRequest, idOf: (match: T) => string): SearchPage<T> {
  const ordered = [...matches].sort((a, b) => compareIds(idOf(a), idOf(b)));
  const remaining = page.afterId === null ? ordered : ordered.filter((m) => compareIds(idOf(m), page.afterId as string) > 0);
  return { shown: remaining.slice(0, page.count), total: matches.length, hasMore: remaining.length > page.count };
}

/** The searchset Bundle of one page, with the total and self/next links carrying the same parameters. */
export function searchsetBundleOfPage<R extends Resource & { id?: string }>(
  result: SearchPage<R>,
  page: PageRequest,
  search: { baseUrl: string; resourceType: string; query: RawQuery },
): Bundle<R> {
  const { shown } = result;
  const link: BundleLink[] = [{ relation: 'self', url: searchUrl(search, {}) }];
  if (result.hasMore && shown.length > 0) {
    link.push({
      relation: 'next',
      url: searchUrl(search, { _cursor: encodeCursor(shown[shown.length - 1].id as string), _count: String(page.count) }),
    });
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: result.total,
    link,
    entry: shown.map((resource) => ({
      fullUrl: `${search.baseUrl}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

/** One page of matches ordered by id, with the total and self/next links carrying the same parameters. */
export function searchsetBundle<R extends Resource & { id?: string }>(
  matches: R[],
  page: PageRequest,
  search: { baseUrl: string; resourceType: string; query: RawQuery },
): { bundle: Bundle<R>; shown: R[] } {
  const result = pageInMemory(matches, page, (r) => r.id ?? '');
  return { bundle: searchsetBundleOfPage(result, page, search), shown: result.shown };
}

/** Plain code-unit order, the same in every locale. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function searchUrl(search: { baseUrl: string; resourceType: string; query: RawQuery }, replace: Record<string, string>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(search.query)) {
    if (name in replace) continue;
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') params.append(name, v);
  }
  for (const [name, value] of Object.entries(replace)) params.set(name, value);
  const text = params.toString();
  return `${search.baseUrl}/${search.resourceType}${text ? `?${text}` : ''}`;
}
