import { BrandingService } from '../branding/branding.service';
import { SigningSecretService } from '../merchants/signing-secret.service';
import { ThreeDSecureService } from '../three-d-secure/three-d-secure.service';
import { FormTokenService } from './form-token.service';
import { HostedPageService } from './hosted-page.service';
import { PageTheme } from './page-theme';
import { SignedFormService } from './signed-form.service';
import { SubmitRateLimiter } from './submit-rate-limiter';
import { PaymentLinkPageService } from './payment-link-page.service';
import { PaymentLinkService } from '../payment-links/payment-link.service';
import { MethodPages } from './method-pages';

/** The hosted page's services, built once per gateway (the theme is compiled at start; the limiter holds counts). */
export const HOSTED_PAGE_SINGLETONS = [
  PageTheme,
  SubmitRateLimiter,
  FormTokenService,
  SigningSecretService,
  BrandingService,
  ThreeDSecureService,
  MethodPages,
  HostedPageService,
  SignedFormService,
  PaymentLinkService,
  PaymentLinkPageService,
] as const;
