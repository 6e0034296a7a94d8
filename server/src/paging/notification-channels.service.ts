// Use cases of a clinic's notification channels (e-mail, PagerDuty, Opsgenie): an administrator adds one, lists them, changes
// one, disables one. The secret is sealed (or referenced as env:NAME) and never answered, logged or audited.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError, ESCALATION_TARGETS, SECRET_ENV_REFERENCE, updateRefusals } from '@pumpwatch/shared';
import type { NotificationChannel, SmtpSettings, updateNotificationChannelSchema } from '@pumpwatch/shared';
import type { createNotificationChannelSchema } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { AuditService, changedFields } from '../audit/audit.service';
import { Actor, assertMayUseIn } from '../auth/actor';
import { newSecret } from '../auth/secrets';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { toIso, toIsoOrNull } from '../infra/iso';
import { channelSecretPurpose } from './channel-pages';
import { NotificationChannelRecord, NotificationChannelsRepository } from './notification-channels.repository';
import { NotificationSettings } from './notification-settings';

const NOT_KNOWN_CLINIC = 'is not a known clinic';
const NOT_KNOWN_CHANNEL = 'is not a known notification channel';
/** Shorter secrets (an SMTP password) show no characters at all: four of eight would be half of it. */
const SHOW_LAST_FOUR_FROM_LENGTH = 16;

type CreateRequest = z.output<typeof createNotificationChannelSchema>;
type UpdateRequest = z.output<typeof updateNotificationChannelSchema>;
type StoredSecret = Pick<NotificationChannelRecord, 'secretCiphertext' | 'secretEnvName' | 'secretLastFour'>;

export function toNotificationChannel(record: NotificationChannelRecord): NotificationChannel {
  const configured = record.secretCiphertext !== null || record.secretEnvName !== null;
  return {
    id: record.id,
    clinicId: record.clinicId,
    kind: record.kind,
    name: record.name,
    levels: record.levels,
    smtp: record.smtp,
    secret: {
      configured,
      source: record.secretCiphertext ? 'encrypted' : record.secretEnvName ? 'environment' : null,
      lastFour: record.secretCiphertext ? record.secretLastFour : null,
      envName: record.secretEnvName,
    },
    active: record.active,
    createdAt: toIso(record.createdAt),
    createdByUserId: record.createdByUserId,
    updatedAt: toIso(record.updatedAt),
    disabledAt: toIsoOrNull(record.disabledAt),
  };
}

/** What the audit trail keeps: the settings and whether a secret is set, never the secret or its ciphertext. */
function audited(record: NotificationChannelRecord): Record<string, unknown> {
  return {
    kind: record.kind,
    name: record.name,
    levels: record.levels,
    smtp: record.smtp,
    active: record.active,
    secretSource: record.secretCiphertext ? 'encrypted' : record.secretEnvName ? `env:${record.secretEnvName}` : null,
    // Which sealed secret: a replaced secret shows as a change without revealing either.
    secretVersion: record.secretCiphertext ? record.secretCiphertext.split('.')[1] : null,
  };
}

@Injectable()
export class NotificationChannelsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: NotificationChannelsRepository,
    private readonly settings: NotificationSettings,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, clinicId: string, request: CreateRequest): Promise<NotificationChannel> {
    assertMayUseIn(actor, 'administer', clinicId, 'id', NOT_KNOWN_CLINIC);
    const id = randomUUID();
    const secret =
      request.secret === undefined
        ? { secretCiphertext: null, secretEnvName: null, secretLastFour: null }
        : this.stored(id, request.secret);
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.repository.clinicExists(manager, clinicId))) throw DomainError.notFound('id', NOT_KNOWN_CLINIC);
      const channel = await this.repository.insert(manager, {
        id,
        clinicId,
        kind: request.kind,
        name: request.name,
        levels: request.levels ?? [...ESCALATION_TARGETS],
        smtp: request.kind === 'email' ? (request.smtp as SmtpSettings) : null,
        ...secret,
        linkSecret: newSecret(),
        createdByUserId: actor.kind === 'user' ? actor.id : null,
        createdAt: this.clock.now(),
      });
      await this.audit.record(manager, actor, {
        action: 'notification_channel.created',
        entityType: 'notification_channel',
        entityId: channel.id,
        clinicId,
        changes: changedFields({}, audited(channel)),
      });
      return toNotificationChannel(channel);
    });
  }

  async list(actor: Actor, clinicId: string): Promise<NotificationChannel[]> {
    assertMayUseIn(actor, 'administer', clinicId, 'id', NOT_KNOWN_CLINIC);
    if (!(await this.repository.clinicExists(this.dataSource.manager, clinicId))) throw DomainError.notFound('id', NOT_KNOWN_CLINIC);
    return (await this.repository.channelsOfClinic(clinicId)).map(toNotificationChannel);
  }

  async update(actor: Actor, clinicId: string, channelId: string, request: UpdateRequest): Promise<NotificationChannel> {
    assertMayUseIn(actor, 'administer', clinicId, 'id', NOT_KNOWN_CLINIC);
    return this.dataSource.transaction(async (manager) => {
      const before = await this.channelOf(clinicId, channelId, manager);
      if (!before.active) throw DomainError.conflict('channelId', 'is disabled: add a new channel instead');
      const refusal = updateRefusals(before.kind, request)[0];
      if (refusal) throw DomainError.invalid(refusal.field, refusal.message);
      const changed: NotificationChannelRecord = {
        ...before,
        name: request.name ?? before.name,
        levels: request.levels ?? before.levels,
        smtp: (request.smtp as SmtpSettings | undefined) ?? before.smtp,
        ...(request.secret === undefined ? {} : this.stored(before.id, request.secret)),
      };
      const after = await this.repository.update(manager, changed, this.clock.now());
      await this.audit.record(manager, actor, {
        action: 'notification_channel.updated',
        entityType: 'notification_channel',
        entityId: after.id,
        clinicId,
        changes: changedFields(audited(before), audited(after)),
      });
      return toNotificationChannel(after);
    });
  }

  /** Pages queued through the channel are cancelled; its open incidents are still followed up. Disabling twice changes nothing. */
  async disable(actor: Actor, clinicId: string, channelId: string): Promise<NotificationChannel> {
    assertMayUseIn(actor, 'administer', clinicId, 'id', NOT_KNOWN_CLINIC);
    return this.dataSource.transaction(async (manager) => {
      const channel = await this.channelOf(clinicId, channelId, manager);
      if (!channel.active) return toNotificationChannel(channel);
      const now = this.clock.now();
      const disabled = await this.repository.disable(manager, channel.id, now);
      const cancelled = await this.repository.cancelQueuedPagesOfChannel(
        manager,
        channel.id,
        'not sent: the notification channel was disabled',
        now,
      );
      await this.audit.record(manager, actor, {
        action: 'notification_channel.disabled',
        entityType: 'notification_channel',
        entityId: channel.id,
        clinicId,
        changes: {
          active: { before: true, after: false },
          disabledAt: { before: null, after: now.toISOString() },
          ...(cancelled.length > 0 ? { cancelledPages: { before: null, after: cancelled } } : {}),
        },
      });
      return toNotificationChannel(disabled);
    });
  }

  private async channelOf(clinicId: string, channelId: string, manager = this.dataSource.manager): Promise<NotificationChannelRecord> {
    const channel = isUuid(channelId) ? await this.repository.channel(manager, channelId, true) : null;
    if (!channel || channel.clinicId !== clinicId) throw DomainError.notFound('channelId', NOT_KNOWN_CHANNEL);
    return channel;
  }

  /** `env:NAME` kept as the name (the variable must be set here); anything else sealed under PUMPWATCH_SECRETS_KEY. */
  private stored(channelId: string, secret: string): StoredSecret {
    const reference = SECRET_ENV_REFERENCE.exec(secret);
    if (reference) {
      if (!process.env[reference[1]])
        throw DomainError.rule('secret', `names the environment variable ${reference[1]}, which is not set on this server`);
      return { secretCiphertext: null, secretEnvName: reference[1], secretLastFour: null };
    }
    if (this.settings.production && this.settings.secrets.isDevelopmentKey) {
      throw DomainError.rule(
        'secret',
        'cannot be stored while PUMPWATCH_SECRETS_KEY is not set: set it, or give env:PUMPWATCH_CHANNEL_NAME',
      );
    }
    return {
      secretCiphertext: this.settings.secrets.seal(secret, channelSecretPurpose(channelId)),
      secretEnvName: null,
      secretLastFour: secret.length >= SHOW_LAST_FOUR_FROM_LENGTH ? secret.slice(-4) : null,
    };
  }
}
