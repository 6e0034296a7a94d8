// Tells every server instance, at the commit of a transaction that ended sessions or changed a user's roles, to check the live
// sockets of that user again: only the user's id travels on the channel, never personal data.
import type { EntityManager } from 'typeorm';

export const SESSIONS_CHANNEL = 'pumpwatch_sessions';

/** Inside the caller's transaction: PostgreSQL delivers the NOTIFY only if and when it commits, after the change is visible. */
export async function signalSessionsChanged(manager: EntityManager, userId: string): Promise<void> {
  await manager.query(`SELECT pg_notify('${SESSIONS_CHANNEL}', $1::text)`, [JSON.stringify({ userId })]);
}

/** The user id of a signal's payload, or null when it is not one (a foreign or malformed NOTIFY on the channel). */
export function userIdOfSignal(payload: string): string | null {
  try {
    const parsed: unknown = JSON.parse(payload);
    const userId = (parsed as { userId?: unknown } | null)?.userId;
    return typeof userId === 'string' && userId.length > 0 ? userId : null;
  } catch {
    return null;
  }
}
