/**
 * @tender/dashboard: the merchant dashboard and the operator console, a Tender plugin.
 */

export { plugin, dashboardPlugin } from './dashboard.plugin';
export { WEB_TEMPLATES_DIR, HandlebarsWebViews, WebArea, themedWebFiles } from './web-views';
export { safeNext } from './web-auth.middleware';
export { TotpService } from './accounts/totp.service';
export { SIGNIN_LIMITS } from './accounts/signin-limits';
