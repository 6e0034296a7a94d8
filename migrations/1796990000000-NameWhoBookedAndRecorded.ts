// Issue 16: bookings, MRI events and alert acknowledgements stored before it name the user by e-mail; name them as colleagues know them.
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Stored labels naming a user (column holding the label, column holding the user's id). Machine tokens and the system keep theirs. */
const USER_LABELS: { table: string; label: string; userId: string }[] = [
  { table: 'appointments', label: 'booked_by_label', userId: 'booked_by_user_id' },
  { table: 'pump_events', label: 'recorded_by_label', userId: 'recorded_by_actor_id' },
  { table: 'pump_events', label: 'cleared_by_label', userId: 'cleared_by_user_id' },
  { table: 'alerts', label: 'acknowledged_by_label', userId: 'acknowledged_by_user_id' },
  { table: 'alerts', label: 'resolved_by_label', userId: 'resolved_by_user_id' },
];

/** Rewrites a label that is exactly the user's `from` (or `from` plus the pager-link suffix an acknowledgement link adds) into `to`. */
async function relabel(queryRunner: QueryRunner, from: 'email' | 'display_name', to: 'email' | 'display_name'): Promise<void> {
  for (const { table, label, userId } of USER_LABELS) {
    await queryRunner.query(
      `UPDATE ${table} t SET ${label} = CASE WHEN t.${label} = u.${from} THEN u.${to} ELSE u.${to} || ' (pager link)' END
         FROM users u
        WHERE u.id = t.${userId} AND (t.${label} = u.${from} OR t.${label} = u.${from} || ' (pager link)')`,
    );
  }
}

export class NameWhoBookedAndRecorded1796990000000 implements MigrationInterface {
  name = 'NameWhoBookedAndRecorded1796990000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // alert_history stays as written: it is append-only for the application, and its e-mails sit beside the audit trail's.
    await relabel(queryRunner, 'email', 'display_name');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await relabel(queryRunner, 'display_name', 'email');
  }
}
