import { Request, Response, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import {
  BankCatalogueService,
  CLOCK,
  CONFIG,
  Clock,
  DATABASE,
  DOCUMENT_MAX_BYTES,
  Database,
  MerchantRepository,
  OFFERED_TIME_ZONES,
  OnboardingDocuments,
  OnboardingService,
  TenderError,
  TenderConfig,
  companyDetailsSchema,
  formatInZone,
  isPageLocale,
  isTimeZone,
  onboardingStatusView,
  principalOf,
  requireWebRole,
} from '@tender/core';
import { rememberWebLocale } from '../web-locale';
import { formOf, pageErrorOf, renderNotFound, renderScreen, contextOf } from './dashboard-page';
import { receiveUpload } from './document-upload';

/** The stages in order, for the progress bar; `suspended` is shown apart. */
const STAGES = ['applied', 'registered', 'bank_chosen', 'contract_signed', 'live'] as const;

/** Where each stage's next step is, one click from the top of the screen. */
const NEXT_HREF: Readonly<Record<string, string>> = {
  applied: '#registration',
  registered: '#bank-choice',
  bank_chosen: '#documents',
  contract_signed: '#documents',
  live: '/dashboard/developers',
};

const LANGUAGE_NAMES = { ru: 'Русский', en: 'English', ar: 'العربية' } as const;

/**
 * /dashboard/onboarding: the whole way from test mode to live payments, as forms. The
 * owner registers the company (INN checked), chooses or changes the bank until the
 * contract is signed, uploads the bank's documents here (sealed at rest, the operator
 * reads them in the console), and sets the language and time zone its dates are shown
 * in. Everyone else reads. The next step is always a link at the top. Once live, the
 * bank's list is gone: there is nothing more to send.
 */
export function onboardingRouter(container: ServiceResolver): Router {
  const router = Router();
  const db = container.resolve<Database>(DATABASE);
  const clock = container.resolve<Clock>(CLOCK);
  const merchants = container.resolve(MerchantRepository);
  const banks = container.resolve(BankCatalogueService);
  const onboarding = container.resolve(OnboardingService);
  const documents = container.resolve(OnboardingDocuments);
  const publicUrl = container.resolve<TenderConfig>(CONFIG).publicUrl;
  router.use(requireWebRole('owner', 'developer', 'support'));

  async function renderStatus(res: Response, extra: Record<string, unknown>, status = 200): Promise<void> {
    const merchant = await merchants.find(db, contextOf(res).merchantId);
    if (merchant === undefined) {
      renderNotFound(res);
      return;
    }
    const locale = principalOf(res).locale;
    const bank = merchant.chosenBankCode === undefined ? undefined : await banks.get(db, merchant.chosenBankCode).catch(() => undefined);
    const view = onboardingStatusView(merchant, bank, clock.now(), merchant.approvedAt !== undefined);
    const reached = STAGES.indexOf(merchant.stage as (typeof STAGES)[number]);
    const preparing = merchant.stage === 'bank_chosen' || merchant.stage === 'contract_signed';
    const canChangeBank = merchant.stage === 'registered' || merchant.stage === 'bank_chosen';
    const uploaded = preparing ? await documents.list(merchant.id) : [];
    const requirements =
      preparing && bank !== undefined
        ? bank.requirements.map((r) => ({
            ...r,
            documents: uploaded
              .filter((d) => d.requirement === r.code)
              .map((d) => ({
                id: d.id,
                name: d.fileName,
                size: `${Math.max(1, Math.round(d.size / 1024))} KB`,
                when: formatInZone(d.createdAt, merchant.timeZone, locale),
              })),
          }))
        : [];
    renderScreen(
      res,
      'onboarding',
      {
        title: 'dash.onboarding.title',
        status: view,
        stage: merchant.stage,
        stages: STAGES.map((s, i) => ({ code: s, done: reached >= 0 && i < reached, current: i === reached })),
        suspended: merchant.stage === 'suspended',
        live: merchant.stage === 'live',
        nextHref: NEXT_HREF[merchant.stage] ?? null,
        nextKey: `journey.next.${merchant.stage}`,
        waitingForReview: (merchant.stage === 'registered' || merchant.stage === 'bank_chosen') && merchant.approvedAt === undefined,
        testModeUntil: merchant.testModeExpiresAt === undefined ? null : formatInZone(merchant.testModeExpiresAt, merchant.timeZone, locale),
        testModeExpired: view.test_mode.expired,
        isOwner: principalOf(res).role === 'owner',
        showRegistration: merchant.stage === 'applied',
        canChangeBank,
        chosenBank: merchant.chosenBankCode ?? null,
        banks: canChangeBank ? (await banks.list(db, 'active')).map((b) => ({ code: b.code, name: b.name, selected: b.code === merchant.chosenBankCode })) : [],
        preparing,
        requirements,
        maxMb: DOCUMENT_MAX_BYTES / 1024 / 1024,
        languages: (['ru', 'en', 'ar'] as const).map((code) => ({ code, name: LANGUAGE_NAMES[code], selected: code === merchant.locale })),
        zones: OFFERED_TIME_ZONES.map((code) => ({ code, selected: code === merchant.timeZone })),
        values: { country: 'RU' },
        errors: {},
        ...extra,
      },
      status,
    );
  }

  router.get('/', async (req, res) => {
    const done = typeof req.query.done === 'string' && /^[a-z_]{1,20}$/.test(req.query.done) ? `journey.done.${req.query.done}` : null;
    await renderStatus(res, { doneKey: done });
  });

  router.post('/registration', requireWebRole('owner'), async (req, res) => {
    const form = formOf(req);
    const values = {
      legal_name: form.legal_name ?? '',
      tax_id: (form.tax_id ?? '').replace(/\s+/g, ''),
      country: (form.country ?? 'RU').trim().toUpperCase(),
      address: form.address ?? '',
      website: form.website ?? '',
      contact_name: form.contact_name ?? '',
      contact_phone: form.contact_phone ?? '',
    };
    const parsed = companyDetailsSchema.safeParse({
      legal_name: values.legal_name,
      tax_id: values.tax_id,
      country: values.country,
      address: values.address,
      website: values.website,
      contact: { name: values.contact_name, phone: values.contact_phone },
    });
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] === 'contact' ? `contact_${String(issue.path[1])}` : String(issue.path[0]);
        errors[field] ??= `journey.field_error.${field}`;
      }
      return renderStatus(res, { values, errors, error: { code: 'parameter_invalid', messageKey: 'journey.registration.fix' } }, 400);
    }
    try {
      await onboarding.register(contextOf(res).merchantId, parsed.data);
    } catch (error) {
      const shown = pageErrorOf(error);
      return renderStatus(res, { values, error: shown }, shown.status);
    }
    res.redirect(303, '/dashboard/onboarding?done=registered');
  });

  router.post('/bank', requireWebRole('owner'), async (req, res) => {
    const code = (formOf(req).bank ?? '').trim().slice(0, 40);
    try {
      await onboarding.chooseBank(contextOf(res).merchantId, code);
    } catch (error) {
      const shown = pageErrorOf(error);
      return renderStatus(res, { error: shown }, shown.status);
    }
    res.redirect(303, '/dashboard/onboarding?done=bank');
  });

  router.post('/documents', requireWebRole('owner'), async (req, res) => {
    const merchantId = contextOf(res).merchantId;
    try {
      if (req.is('multipart/form-data') !== 'multipart/form-data') throw new TenderError('document_type_unsupported', { param: 'file' });
      const { fields, file } = await receiveUpload(req, DOCUMENT_MAX_BYTES);
      if (file === undefined || file.bytes.length === 0) throw new TenderError('document_type_unsupported', { param: 'file' });
      const merchant = await merchants.find(db, merchantId);
      const bank = merchant?.chosenBankCode === undefined ? undefined : await banks.get(db, merchant.chosenBankCode).catch(() => undefined);
      await documents.upload(
        merchantId,
        { requirement: fields.requirement ?? '', fileName: file.name, bytes: file.bytes, uploadedBy: principalOf(res).accountId },
        bank?.requirements.map((r) => r.code) ?? [],
      );
    } catch (error) {
      // The rest of an oversized body is drained by the parser or dropped with the connection.
      const shown = pageErrorOf(error);
      return renderStatus(res, { error: shown }, shown.status);
    }
    res.redirect(303, '/dashboard/onboarding?done=document#documents');
  });

  router.get('/documents/:id', async (req, res) => {
    const id = typeof req.params.id === 'string' && /^doc_[0-9A-Za-z]{1,40}$/.test(req.params.id) ? req.params.id : undefined;
    if (id === undefined) {
      renderNotFound(res);
      return;
    }
    try {
      const { document, bytes } = await documents.read(id, { merchantId: contextOf(res).merchantId });
      sendDocument(res, document.fileName, document.contentType, bytes);
    } catch (error) {
      if (error instanceof TenderError && error.code === 'resource_not_found') {
        renderNotFound(res);
        return;
      }
      throw error;
    }
  });

  router.post('/preferences', requireWebRole('owner'), async (req: Request, res) => {
    const form = formOf(req);
    const locale = form.locale;
    const zone = form.time_zone ?? '';
    if (!isPageLocale(locale) || !isTimeZone(zone)) {
      return renderStatus(res, { error: { code: 'parameter_invalid', messageKey: 'journey.preferences.invalid' } }, 400);
    }
    await onboarding.setPreferences(contextOf(res).merchantId, { locale, timeZone: zone });
    rememberWebLocale(req, res, locale, publicUrl);
    res.redirect(303, `/dashboard/onboarding?lang=${locale}&done=preferences`);
  });

  return router;
}

/**
 * A stored document as a download: never rendered inline by the browser (attachment,
 * nosniff, a sandboxing CSP), the name RFC 5987-encoded.
 */
export function sendDocument(res: Response, fileName: string, contentType: string, bytes: Buffer): void {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('Cache-Control', 'no-store');
  res.status(200).end(bytes);
}
