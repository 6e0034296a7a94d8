// Public entry of paging: contracts, configuration, the webhook signature and URL rules, the retry schedule.
export * from './paging-contracts';
export * from './paging-config';
export * from './page-retry';
export * from './webhook-signature';
export * from './webhook-url';
export * from './notification-channel-contracts';
export * from './outbound-page';
