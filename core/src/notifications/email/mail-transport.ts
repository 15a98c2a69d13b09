import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  /** Where a reply goes (the operator's support address on merchant e-mails, which come from a no-reply sender). */
  readonly replyTo?: string;
  /** Absent for plain-text mail (onboarding). */
  readonly html?: string;
  readonly text: string;
}

/**
 * Where mail goes: an SMTP server (`TENDER_SMTP_URL`), or, without one, .eml files in
 * `<data dir>/mail` so a local install still shows what would have been sent.
 *
 * @example
 * ```ts
 * const transport = createMailTransport(undefined, '/var/lib/tender');
 * await transport.send({ id: 'eml_1', from: 'a@b', to: 'c@d', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' });
 * ```
 */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** `messageIdDomain`: the right side of every Message-ID (the operator's brand domain, TENDER_BRAND_DOMAIN). */
export function createMailTransport(smtpUrl: string | undefined, dataDir: string, messageIdDomain = 'tender'): MailTransport {
  if (smtpUrl !== undefined) {
    const smtp = nodemailer.createTransport(smtpUrl);
    return {
      async send(mail) {
        await smtp.sendMail({
          from: mail.from,
          to: mail.to,
          replyTo: mail.replyTo,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          messageId: `<${mail.id}@${messageIdDomain}>`,
        });
      },
      close: () => smtp.close(),
    };
  }
  const dir = path.join(dataDir, 'mail');
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await stream.sendMail({
        from: mail.from,
        to: mail.to,
        replyTo: mail.replyTo,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: `<${mail.id}@${messageIdDomain}>`,
      });
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.id}.eml`), info.message as Buffer);
    },
    close: () => stream.close(),
  };
}
