import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import nodemailer, { Transporter } from 'nodemailer';
import { inject, injectable } from 'tsyringe';
import { TenderConfig } from '../../config/config';
import { CONFIG } from '../../config/tokens';
import { randomToken } from '../../ids/ids';

/** templates/email/onboarding at the repository root, wherever the gateway runs from. */
export const ONBOARDING_MAIL_TEMPLATES = path.resolve(__dirname, '..', '..', '..', '..', 'templates', 'email', 'onboarding');

/**
 * Sends onboarding e-mails: plain text rendered from a Handlebars template whose
 * first line is `Subject: ...`. With TENDER_SMTP_URL set it speaks SMTP; without,
 * each message is written as an .eml file under <dataDir>/mail, so a fresh install
 * loses nothing and an operator can read what would have been sent.
 *
 * @example
 * ```ts
 * await mailer.send('shop@example.com', 'live', { name: 'Shop', publicUrl: 'https://pay.example' });
 * ```
 */
@injectable()
export class OnboardingMailer {
  private readonly handlebars = Handlebars.create();
  private readonly compiled = new Map<string, HandlebarsTemplateDelegate>();
  private readonly transport: Transporter;
  private readonly mailDir: string | undefined;

  constructor(@inject(CONFIG) private readonly config: TenderConfig) {
    // Numbered lists in plain text (the bank's plan of documents).
    this.handlebars.registerHelper('add1', (i: unknown) => Number(i) + 1);
    if (config.smtpUrl !== undefined) {
      this.transport = nodemailer.createTransport(config.smtpUrl);
      this.mailDir = undefined;
    } else {
      this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
      this.mailDir = path.join(config.dataDir, 'mail');
    }
  }

  async send(to: string, template: string, data: Record<string, unknown>): Promise<void> {
    const rendered = this.template(template)({ ...data, publicUrl: this.config.publicUrl });
    const [first = '', ...rest] = rendered.split('\n');
    const subject = /^Subject:\s*(.*)$/.exec(first)?.[1] ?? 'Tender';
    const info: { message?: unknown } = await this.transport.sendMail({ from: this.config.mailFrom, to, subject, text: rest.join('\n').replace(/^\n+/, '') });
    if (this.mailDir !== undefined && Buffer.isBuffer(info.message)) {
      fs.mkdirSync(this.mailDir, { recursive: true });
      // Time first so a directory listing reads in sending order.
      fs.writeFileSync(path.join(this.mailDir, `${Date.now()}-${randomToken(8)}.eml`), info.message, { mode: 0o600 });
    }
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
