// The query of GET /api/pumps (issue 15): the filters of the fleet, its order and its paging, validated once for server and client.
import { z } from 'zod';
import { FLEET_SORT_KEYS, URGENCY_LEVELS } from '../contracts';
import type { FleetSortKey, Urgency } from '../contracts';
import { clinicText, identifier } from '../text-fields';

/** Rows per page: a screenful with room to scroll; the most a page may hold keeps an answer small on a phone's connection. */
export const FLEET_PAGE_DEFAULT_LIMIT = 100;
export const FLEET_PAGE_MAX_LIMIT = 500;

const DIRECTIONS = { ascending: 'ascending', descending: 'descending', asc: 'ascending', desc: 'descending' } as const;

export const fleetQuerySchema = z.object({
  clinicId: identifier(64).optional(),
  q: clinicText(200).optional(),
  /** With limit (or cursor) the answer is a FleetPage; without, the bare array of every row. */
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(FLEET_PAGE_MAX_LIMIT, `must be at most ${FLEET_PAGE_MAX_LIMIT}`))
    .optional(),
  cursor: z.string().min(1).max(4000).optional(),
  /** One urgency or a comma-separated list. */
  urgency: z
    .string()
    .max(200)
    .transform((text, ctx): Urgency[] => {
      const levels = text
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u.length > 0);
      const unknown = levels.filter((u) => !(URGENCY_LEVELS as readonly string[]).includes(u));
      if (levels.length === 0 || unknown.length > 0) {
        ctx.addIssue({ code: 'custom', message: `must be one or more of ${URGENCY_LEVELS.join(', ')} (comma-separated)` });
        return z.NEVER;
      }
      return levels as Urgency[];
    })
    .optional(),
  sort: z
    .enum(FLEET_SORT_KEYS as [FleetSortKey, ...FleetSortKey[]], { message: `must be one of ${FLEET_SORT_KEYS.join(', ')}` })
    .optional(),
  dir: z
    .enum(Object.keys(DIRECTIONS) as [keyof typeof DIRECTIONS], { message: 'must be ascending or descending' })
    .transform((d) => DIRECTIONS[d])
    .optional(),
});
export type FleetQuery = z.infer<typeof fleetQuerySchema>;
