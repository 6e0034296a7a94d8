// Settings of paging in this app instance: where acknowledge links point, the webhook timeout, and the explicit test-only option
// that lets webhooks use http:// on a loopback address.
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PAGING_CONFIG } from '@pumpwatch/shared';
import type { AddressInfo } from 'node:net';
import { APP_OPTIONS } from '../infra/app-options';
import type { AppOptions } from '../infra/app-options';

@Injectable()
export class PagingSettings {
  /**
   * Off in every deployment: an acknowledge link is a credential and must not cross a network in clear. Tests turn it on (before
   * creating the endpoint) to receive pages on 127.0.0.1.
   */
  allowHttpLoopbackWebhooks = false;
  webhookTimeoutMs: number = PAGING_CONFIG.webhookTimeoutMs;

  constructor(
    @Inject(APP_OPTIONS) private readonly options: AppOptions,
    private readonly httpAdapterHost: HttpAdapterHost,
  ) {}

  /**
   * PUMPWATCH_PUBLIC_URL when set (what a phone off the clinic network can reach); otherwise this instance's own address, good
   * only on this machine.
   */
  publicBaseUrl(): string {
    if (this.options.publicUrl) return this.options.publicUrl.replace(/\/+$/, '');
    const address = this.httpAdapterHost.httpAdapter?.getHttpServer()?.address() as AddressInfo | string | null | undefined;
    if (!address || typeof address === 'string') return 'http://localhost';
    const wildcard = address.address === '::' || address.address === '0.0.0.0';
    const host = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  acknowledgeUrl(token: string): string {
    return `${this.publicBaseUrl()}/api/alerts/acknowledge-link?token=${encodeURIComponent(token)}`;
  }
}
