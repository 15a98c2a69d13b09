export { TenderClient, TenderClientOptions } from './tender-client';
export { TenderApiError, TenderConnectionError } from './errors';
export { verifyWebhookSignature } from './webhook-signature';
export * from './types';
export * from './saved-cards-types';
export type * as ApiTypes from './generated/api-types';
