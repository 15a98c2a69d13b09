import { WebSection } from '@tender/core';
import { consoleAuditRouter } from './audit.console';
import { consoleBanksRouter } from './banks.console';
import { consoleCertificatesRouter } from './certificates.console';
import { consoleMerchantsRouter } from './merchants.console';
import { consoleRiskRouter } from './risk.console';
import { consoleRoutingRouter } from './routing.console';
import { consoleRoutingTesterRouter } from './routing-tester.console';

/** The operator console's screens, mounted under /console by the web shell. Every router also checks the role itself. */
export const CONSOLE_SECTIONS: readonly WebSection[] = [
  { path: '/merchants', navKey: 'console.nav.merchants', roles: ['operator'], router: consoleMerchantsRouter },
  { path: '/banks', navKey: 'console.nav.banks', roles: ['operator'], router: consoleBanksRouter },
  { path: '/routing', navKey: 'console.nav.routing', roles: ['operator'], router: consoleRoutingRouter },
  { path: '/routing-tester', navKey: 'console.nav.routing_tester', roles: ['operator'], router: consoleRoutingTesterRouter },
  { path: '/risk', navKey: 'console.nav.risk', roles: ['operator'], router: consoleRiskRouter },
  { path: '/audit', navKey: 'console.nav.audit', roles: ['operator'], router: consoleAuditRouter },
  { path: '/certificates', navKey: 'console.nav.certificates', roles: ['operator'], router: consoleCertificatesRouter },
];
