import { DependencyContainer } from 'tsyringe';
import { TenderConfig } from '../config/config';
import { GatewaySelf } from './gateway-self';
import { OutboundHttpClient } from './outbound-http-client';
import { OUTBOUND_POLICIES, defaultOutboundPolicies } from './outbound-policy';
import { OUTBOUND_RESOLVER, OutboundResolver, systemResolver } from './outbound-resolver';
import { OutboundUrlGuard } from './outbound-url-guard';

/**
 * Registers the outbound client and what it is made of. Done before plugins register,
 * so a plugin can take `ctx.outbound` (or resolve OutboundHttpClient) in `register`.
 */
export function registerOutbound(container: DependencyContainer, config: TenderConfig, resolver: OutboundResolver = systemResolver): void {
  container.register(OUTBOUND_RESOLVER, { useValue: resolver });
  container.register(OUTBOUND_POLICIES, { useValue: defaultOutboundPolicies(config) });
  container.registerSingleton(GatewaySelf);
  container.registerSingleton(OutboundUrlGuard);
  container.registerSingleton(OutboundHttpClient);
}
