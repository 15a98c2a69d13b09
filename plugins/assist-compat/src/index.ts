/**
 * @tender/plugin-assist-compat: Assist's merchant protocol on a Tender gateway.
 */

export { createAssistPlugin, plugin, assistOptionsSchema, ASSIST_ORDER_PATHS, ASSIST_OPERATION_PATHS } from './assist.plugin';
export { assistTables } from './migrations/001-assist-tables';
export { assistCheckvalue, requestCheckvalue, responseCheckvalue, checkvalueMatches } from './assist-checkvalue';
export { parseAssistAmount, formatAssistAmount } from './assist-amount';
export { assistOrderState, assistResponseCode, AssistOrderState } from './assist-order-state';
export { ASSIST_ERRORS, AssistError } from './assist-error';
export { AssistPushSender, AssistPushOptions } from './assist-push.sender';
export { AssistSettingsService, AssistSettingsView } from './assist-settings.service';
export { assistOrders } from './migrations/002-assist-orders';
export { ASSIST_RECURRING_PATH } from './assist-recurring.routes';
export { AssistOrderBook, AssistOrderTerms } from './assist-order-book';
export { AssistMerchantLimits, assistLimitsSchema, returnHostAllowed } from './assist-merchant-limits';
export { pushAccepted } from './assist-push-answer';
