import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { ParsedMail, simpleParser } from 'mailparser';

export interface CapturedMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** The HTML part, when the message has one. */
  readonly html: string;
  /** The Reply-To address, '' when none. */
  readonly replyTo: string;
  /** The From header as sent (`Acme Pay <no-reply@acme.example>`). */
  readonly from: string;
  /** The Message-ID header (`<eml_...@acme.example>`). */
  readonly messageId: string;
}

/**
 * A real SMTP server on loopback that keeps every message it receives, so tests
 * read the e-mails the gateway really sent over SMTP.
 */
export class SmtpCapture {
  readonly messages: CapturedMail[] = [];
  private waiters: Array<() => void> = [];
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _session, callback) => {
      simpleParser(stream)
        .then((mail: ParsedMail) => {
          const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
          const html = typeof mail.html === 'string' ? mail.html : '';
          this.messages.push({
            to,
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html,
            replyTo: mail.replyTo?.text ?? '',
            from: mail.from?.text ?? '',
            messageId: mail.messageId ?? '',
          });
          for (const w of this.waiters.splice(0)) w();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  /** The first message (after `from`) whose subject matches, waiting for it to arrive. */
  async waitFor(subject: RegExp, from = 0): Promise<CapturedMail> {
    for (;;) {
      const found = this.messages.slice(from).find((m) => subject.test(m.subject));
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
