import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { CORE_TEMPLATES_DIR } from '../../templates-dir';
import { inject, injectable } from 'tsyringe';
import { TenderConfig } from '../../config/config';
import { CONFIG } from '../../config/tokens';

/** templates/email/onboarding at the repository root, wherever the gateway runs from. */
export const ONBOARDING_MAIL_TEMPLATES = path.join(CORE_TEMPLATES_DIR, 'email', 'onboarding');

/** An onboarding e-mail, rendered: what goes into the e-mail outbox. */
export interface OnboardingMail {
  readonly subject: string;
  readonly text: string;
}

/**
 * Renders onboarding e-mails: plain text from a Handlebars template whose first line
 * is `Subject: ...`. Rendering happens in the stage change's transaction and the
 * result is queued in the e-mail outbox (EmailQueue.enqueueRendered), so the
 * notifications e-mail dispatcher sends it, retries it while SMTP refuses, and
 * writes .eml files under <dataDir>/mail when no TENDER_SMTP_URL is set.
 *
 * @example
 * ```ts
 * const mail = mailer.render('live', { merchant, publicUrl: 'https://pay.example' });
 * await emails.enqueueRendered(trx, { merchantId, livemode: false, recipient, ...mail });
 * ```
 */
@injectable()
export class OnboardingMailer {
  private readonly handlebars = Handlebars.create();
  private readonly compiled = new Map<string, HandlebarsTemplateDelegate>();

  constructor(@inject(CONFIG) private readonly config: TenderConfig) {
    // Numbered lists in plain text (the bank's plan of documents).
    this.handlebars.registerHelper('add1', (i: unknown) => Number(i) + 1);
  }

  render(template: string, data: Record<string, unknown>): OnboardingMail {
    const rendered = this.template(template)({ ...data, publicUrl: this.config.publicUrl });
    const [first = '', ...rest] = rendered.split('\n');
    const subject = /^Subject:\s*(.*)$/.exec(first)?.[1] ?? 'Tender';
    return { subject, text: rest.join('\n').replace(/^\n+/, '') };
  }

  private template(name: string): HandlebarsTemplateDelegate {
    let t = this.compiled.get(name);
    if (t === undefined) {
      if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad e-mail template name '${name}'`);
      const source = fs.readFileSync(path.join(ONBOARDING_MAIL_TEMPLATES, `${name}.hbs`), 'utf8');
      // Plain-text mail: nothing to HTML-escape; strict so a missing field is a bug, not a blank.
      t = this.handlebars.compile(source, { noEscape: true, strict: true });
      this.compiled.set(name, t);
    }
    return t;
  }
}
