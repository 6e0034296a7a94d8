// What the signed-in user may do, read from the shared route table the server's guard uses: no second table here.
import { mayUse, ROUTE_PERMISSIONS, type RouteKey, type User } from '@pumpwatch/shared';
import { useSession } from './session-store';

/** Whether `user` may call the API route `routeKey` in `clinicId` (without a clinic: in at least one of theirs). */
export function canUseRoute(user: User | null, routeKey: RouteKey, clinicId?: string): boolean {
  return user !== null && mayUse(user, ROUTE_PERMISSIONS[routeKey], clinicId);
}

/** `useCan('POST /api/pumps/:id/fills', pump.clinicId)`: show an action only when the API would allow it. */
export function useCan(routeKey: RouteKey, clinicId?: string): boolean {
  const { user } = useSession();
  return canUseRoute(user, routeKey, clinicId);
}
