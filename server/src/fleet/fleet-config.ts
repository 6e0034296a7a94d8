// Numbers of the fleet read model (issue 15): how fresh a stored row must be, how much one projection step takes on.

/** A row computed further than this from now (either way: a test clock may jump back) is recomputed; volume and telemetry age move with the clock. */
export const FLEET_ROW_MAX_AGE_SECONDS = 300;
/** Outbox events per projection transaction: bounds how long one step holds the projection lock (as the alert engine's batch). */
export const FLEET_PROJECTION_EVENT_BATCH = 200;
/** Pumps computed per statement set: bounds memory when a whole clinic (demo seed, settings change) is recomputed at once. */
export const FLEET_ROW_CHUNK = 500;
/** Longest live delivery waits for the rows of pump.changed before sending without them; an alarm cuts the wait short at once. */
export const FLEET_ROW_ATTACH_BUDGET_MS = 2_000;
/** How often the clock sweep recomputes the rows the clock has moved away from. */
export const FLEET_REFRESH_EVERY_MS = 60_000;
/** The sweep recomputes rows older than this (well under the max age), so a read almost never waits for a stale row to be recomputed. */
export const FLEET_ROW_SWEEP_AGE_SECONDS = 120;
/** Events behind beyond which the projector recomputes every active pump once instead of replaying each event (first start, restore). */
export const FLEET_REBUILD_BACKLOG_EVENTS = 5_000;
/** Longest a projection step waits for the alert evaluation under way on its instance (see FleetProjector.drain). */
export const FLEET_EVALUATION_WAIT_MS = 500;
