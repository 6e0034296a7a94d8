// iCalendar feeds of one clinician's refill appointments: no patient identifiers (calendar services cache feeds on their own
// servers), reached with a 256-bit secret stored only as SHA-256, listed and revocable by an administrator.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DAY_MS, DomainError } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { AuditService, changedFields, createdFields } from '../audit/audit.service';
import { Actor, assertMayUseIn, clinicIdsWith } from '../auth/actor';
import { newSecret, secretHash } from '../auth/secrets';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';

/** Calendar feed secrets carry their own prefix, like gateway tokens, so a leaked one is recognisable. */
export const CALENDAR_TOKEN_PREFIX = 'pwc_';
/** A feed shows the recent past (a month) and the booked future (half a year): what a clinician's calendar needs. */
const FEED_PAST_DAYS = 31;
const FEED_FUTURE_DAYS = 184;

export interface CalendarFeed {
  id: string;
  clinicId: string;
  clinicianId: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

type Row = Record<string, unknown>;

const toFeed = (r: Row): CalendarFeed => ({
  id: r.id as string,
  clinicId: r.clinic_id as string,
  clinicianId: r.clinician_id as string,
  name: r.name as string,
  createdAt: (r.created_at as Date).toISOString(),
  revokedAt: r.revoked_at ? (r.revoked_at as Date).toISOString() : null,
  lastUsedAt: r.last_used_at ? (r.last_used_at as Date).toISOString() : null,
});

/** RFC 5545 text escaping. */
const icsText = (text: string): string => text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
const icsInstant = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** RFC 5545 folds lines longer than 75 octets. */
function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    // Never split a UTF-8 sequence: back up to a character boundary.
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    limit = 74;
  }
  return parts.join('\r\n ');
}

@Injectable()
export class CalendarFeedsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, request: { clinicianId: string; name: string }): Promise<CalendarFeed & { token: string; path: string }> {
    return this.dataSource.transaction(async (manager) => {
      const clinicians: { clinic_id: string }[] = await manager.query('SELECT clinic_id FROM clinicians WHERE id = $1', [
        request.clinicianId,
      ]);
      if (clinicians.length === 0) throw DomainError.notFound('clinicianId', 'is not a known clinician');
      assertMayUseIn(actor, 'administer', clinicians[0].clinic_id, 'clinicianId', 'is not a known clinician');
      const token = `${CALENDAR_TOKEN_PREFIX}${newSecret()}`;
      const [row]: Row[] = await manager.query(
        `INSERT INTO calendar_feed_tokens (clinic_id, clinician_id, name, token_hash, created_by_user_id) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [clinicians[0].clinic_id, request.clinicianId, request.name, secretHash(token), actor.id],
      );
      const feed = toFeed(row);
      await this.audit.record(manager, actor, {
        action: 'calendar_feed.created',
        entityType: 'calendar_feed',
        entityId: feed.id,
        clinicId: feed.clinicId,
        changes: createdFields({ clinicianId: feed.clinicianId, name: feed.name }),
      });
      // Shown once: only its hash is stored.
      return { ...feed, token, path: `/api/calendar.ics?token=${token}` };
    });
  }

  async list(actor: Actor, clinicId?: string): Promise<CalendarFeed[]> {
    let clinicIds = clinicIdsWith(actor, 'administer');
    if (clinicId !== undefined) {
      if (!isUuid(clinicId)) throw DomainError.notFound('clinicId', 'is not a known clinic');
      assertMayUseIn(actor, 'administer', clinicId, 'clinicId', 'is not a known clinic');
      clinicIds = [clinicId];
    }
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM calendar_feed_tokens ${clinicIds === null ? '' : 'WHERE clinic_id = ANY($1::uuid[])'} ORDER BY created_at DESC`,
      clinicIds === null ? [] : [clinicIds],
    );
    return rows.map(toFeed);
  }

  async revoke(actor: Actor, id: string): Promise<CalendarFeed> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Row[] = await manager.query('SELECT * FROM calendar_feed_tokens WHERE id = $1 FOR UPDATE', [id]);
      if (rows.length === 0) throw DomainError.notFound('id', 'is not a known calendar feed');
      const before = toFeed(rows[0]);
      assertMayUseIn(actor, 'administer', before.clinicId, 'id', 'is not a known calendar feed');
      if (before.revokedAt) throw DomainError.conflict('id', 'is already revoked');
      // TypeORM answers an UPDATE ... RETURNING with [rows, affected count].
      const [[row]]: [Row[], number] = await manager.query('UPDATE calendar_feed_tokens SET revoked_at = $2 WHERE id = $1 RETURNING *', [
        id,
        this.clock.now(),
      ]);
      const after = toFeed(row);
      await this.audit.record(manager, actor, {
        action: 'calendar_feed.revoked',
        entityType: 'calendar_feed',
        entityId: id,
        clinicId: after.clinicId,
        changes: changedFields({ revokedAt: before.revokedAt }, { revokedAt: after.revokedAt }),
      });
      return after;
    });
  }

  /** The feed for a token; an unknown or revoked token answers 404 (as if the feed did not exist). */
  async ics(token: string | undefined): Promise<string> {
    if (!token || !token.startsWith(CALENDAR_TOKEN_PREFIX)) throw DomainError.notFound('token', 'is not a known calendar feed');
    const [rows]: [Row[], number] = await this.dataSource.query(
      'UPDATE calendar_feed_tokens SET last_used_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL RETURNING clinician_id, clinic_id',
      [secretHash(token), this.clock.now()],
    );
    if (rows.length === 0) throw DomainError.notFound('token', 'is not a known calendar feed');
    const now = this.clock.now();
    const appointments: Row[] = await this.dataSource.query(
      `SELECT a.id, a.starts_at, a.ends_at, a.status, a.updated_at, r.name AS room_name, c.name AS clinic_name
       FROM appointments a JOIN clinics c ON c.id = a.clinic_id LEFT JOIN rooms r ON r.id = a.room_id
       WHERE a.clinician_id = $1 AND a.status IN ('booked', 'completed') AND a.starts_at >= $2 AND a.starts_at < $3 ORDER BY a.starts_at`,
      [rows[0].clinician_id, new Date(now.getTime() - FEED_PAST_DAYS * DAY_MS), new Date(now.getTime() + FEED_FUTURE_DAYS * DAY_MS)],
    );
    const lines = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//PumpWatch//Refill appointments//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:Pump refills',
    ];
    for (const a of appointments) {
      lines.push(
        'BEGIN:VEVENT',
        `UID:${a.id as string}@pumpwatch`,
        `DTSTAMP:${icsInstant(now)}`,
        `LAST-MODIFIED:${icsInstant(a.updated_at as Date)}`,
        `DTSTART:${icsInstant(a.starts_at as Date)}`,
        `DTEND:${icsInstant(a.ends_at as Date)}`,
        // Deliberately no patient name, MRN or pump serial: only that a refill takes place, where.
        `SUMMARY:${icsText(a.status === 'completed' ? 'Pump refill (done)' : 'Pump refill')}`,
        `LOCATION:${icsText([a.clinic_name as string, a.room_name as string | null].filter(Boolean).join(', '))}`,
        'STATUS:CONFIRMED',
        'END:VEVENT',
      );
    }
    lines.push('END:VCALENDAR');
    return `${lines.map(fold).join('\r\n')}\r\n`;
  }
}
