// E-mail notifier: one message per page over the clinic's SMTP relay (nodemailer), to the recipient's account address, carrying
// alert kind, severity, clinic, the pump serial's last four characters and the single-use acknowledge link; never a patient.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { outboundEmail } from '@pumpwatch/shared';
import type { PageRecipient } from '@pumpwatch/shared';
import { createTransport } from 'nodemailer';
import { DataSource } from 'typeorm';
import { ChannelPages, isOutcome } from './channel-pages';
import type { DeliveryOutcome, Notifier } from './notifier';
import { NotificationChannelsRepository } from './notification-channels.repository';
import { NotificationSettings } from './notification-settings';
import type { PagedAlert, PageRecord } from './paging.repository';

/** SMTP reply codes 5xx are permanent (RFC 5321 §4.2.1): trying again cannot help. */
function smtpFailure(error: unknown): DeliveryOutcome {
  const e = error as { code?: string; responseCode?: number };
  if (typeof e?.responseCode === 'number') {
    return {
      ok: false,
      retryable: e.responseCode < 500,
      error: `the SMTP relay answered ${e.responseCode}${e.code === 'EAUTH' ? ' (sign-in refused)' : ''}`,
    };
  }
  return { ok: false, error: e?.code ? `SMTP connection failed (${e.code})` : 'SMTP connection failed' };
}

@Injectable()
export class EmailNotifier implements Notifier {
  readonly kind = 'email' as const;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pages: ChannelPages,
    private readonly channels: NotificationChannelsRepository,
    private readonly settings: NotificationSettings,
  ) {}

  async deliver(page: PageRecord, alert: PagedAlert, recipient: PageRecipient): Promise<DeliveryOutcome> {
    const to = recipient.userId ? await this.channels.activeUserEmail(this.dataSource.manager, recipient.userId) : null;
    if (!to) return { ok: false, retryable: false, error: 'the recipient has no active PumpWatch account with an e-mail address' };
    const prepared = await this.pages.prepare(page, alert, 'email');
    if (isOutcome(prepared)) return prepared;
    const smtp = prepared.channel.smtp;
    if (!smtp) return { ok: false, retryable: false, error: 'the channel has no SMTP settings' };
    const transport = createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.security === 'tls',
      requireTLS: smtp.security === 'starttls',
      auth: smtp.username ? { user: smtp.username, pass: prepared.secret ?? '' } : undefined,
      connectionTimeout: this.settings.timeoutMs,
      greetingTimeout: this.settings.timeoutMs,
      socketTimeout: this.settings.timeoutMs,
      tls: this.settings.trustedCaPem ? { ca: this.settings.trustedCaPem } : undefined,
      logger: false,
      debug: false,
    });
    try {
      const message = outboundEmail(prepared.outbound);
      await transport.sendMail({
        from: smtp.from,
        to,
        subject: message.subject,
        text: message.text,
        // The same Message-ID on every attempt of this page, so a mailbox can drop a repeat.
        messageId: `<page-${page.id}@pumpwatch>`,
        headers: { 'X-PumpWatch-Page-Id': page.id },
      });
      return { ok: true };
    } catch (error) {
      return smtpFailure(error);
    } finally {
      transport.close();
    }
  }
}
