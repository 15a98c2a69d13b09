import { WebSection } from '@tender/core';
import { brandingRouter } from './branding.router';
import { developersRouter } from './developers.router';
import { onboardingRouter } from './onboarding.router';
import { paymentsRouter } from './payments.router';
import { riskRouter } from './risk.router';

/**
 * The merchant dashboard's screens, mounted under /dashboard by the web shell. `roles`
 * only decides the navigation; every router checks the role again on the server
 * (requireWebRole), so a hidden link is never the only guard.
 */
export const DASHBOARD_SECTIONS: readonly WebSection[] = [
  { path: '/payments', navKey: 'dash.screens.nav.payments', roles: ['owner', 'developer', 'support'], router: paymentsRouter },
  { path: '/risk', navKey: 'dash.screens.nav.risk', roles: ['owner', 'developer', 'support'], router: riskRouter },
  { path: '/developers', navKey: 'dash.screens.nav.developers', roles: ['owner', 'developer'], router: developersRouter },
  { path: '/branding', navKey: 'dash.screens.nav.branding', roles: ['owner', 'developer'], router: brandingRouter },
  { path: '/onboarding', navKey: 'dash.screens.nav.onboarding', roles: ['owner', 'developer', 'support'], router: onboardingRouter },
];
