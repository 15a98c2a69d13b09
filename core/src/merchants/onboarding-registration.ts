import { DependencyContainer } from 'tsyringe';
import { AuditLog } from '../audit/audit-log';
import { BankCatalogueService } from '../banks/bank-catalogue.service';
import { ApiKeyManagementService } from './api-key-management.service';
import { MerchantRepository } from './merchant.repository';
import { MerchantStanding } from './merchant-standing';
import { OnboardingService } from './onboarding.service';
import { OnboardingDocuments } from './onboarding-documents';
import { ONBOARDING_NOTIFIER, OnboardingNotifier } from './onboarding-notifier';
import { MerchantMail } from './onboarding-mail/merchant-mail';
import { OutboxMailNotifier } from './onboarding-mail/outbox-mail-notifier';

/** Onboarding's services, built once per gateway. */
export const ONBOARDING_SERVICES = [
  OnboardingService,
  OnboardingDocuments,
  MerchantMail,
  MerchantRepository,
  MerchantStanding,
  ApiKeyManagementService,
  BankCatalogueService,
  AuditLog,
] as const;

/**
 * The default OnboardingNotifier. Registered before plugins run, so a plugin (or the
 * webhook/e-mail issue) can register its own under the same token afterwards; the
 * last registration wins when resolved.
 */
export function registerOnboarding(container: DependencyContainer): void {
  container.register<OnboardingNotifier>(ONBOARDING_NOTIFIER, { useClass: OutboxMailNotifier });
}
