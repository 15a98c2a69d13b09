import fs from 'node:fs';
import path from 'node:path';
import { injectable } from 'tsyringe';
import { CORE_TEMPLATES_DIR } from '../templates-dir';
import { TEMPLATE_COMPILE, createTemplateEnv } from '../templating/template-env';
import { PageLocale } from '../pages/page-locale';

/** The embedded fields' three inputs. */
export type FieldKind = 'number' | 'expiry' | 'cvc';
export const FIELD_KINDS: readonly FieldKind[] = ['number', 'expiry', 'cvc'];

/** The fields' own words, per locale (the frames are tiny documents with a label and an error line). */
const WORDS: Readonly<Record<PageLocale, Readonly<Record<string, string>>>> = {
  en: {
    number: 'Card number',
    expiry: 'Expiry date (MM/YY)',
    cvc: 'Security code (CVC)',
    invalid_number: 'Enter a valid card number.',
    invalid_expiry: 'Enter a valid expiry date.',
    invalid_cvc: 'Enter the 3 or 4 digit code.',
    challenge_title: 'Confirm the payment with your bank',
    challenge_text: 'Your bank asks you to confirm this payment.',
    challenge_button: 'Continue to your bank',
    challenge_done: 'Done. You can close this window.',
  },
  ru: {
    number: 'Номер карты',
    expiry: 'Срок действия (ММ/ГГ)',
    cvc: 'Код безопасности (CVC)',
    invalid_number: 'Введите правильный номер карты.',
    invalid_expiry: 'Введите правильный срок действия.',
    invalid_cvc: 'Введите код из 3 или 4 цифр.',
    challenge_title: 'Подтвердите оплату в банке',
    challenge_text: 'Ваш банк просит подтвердить этот платёж.',
    challenge_button: 'Перейти к банку',
    challenge_done: 'Готово. Окно можно закрыть.',
  },
  ar: {
    number: 'رقم البطاقة',
    expiry: 'تاريخ الانتهاء (شهر/سنة)',
    cvc: 'رمز الأمان (CVC)',
    invalid_number: 'أدخل رقم بطاقة صحيحًا.',
    invalid_expiry: 'أدخل تاريخ انتهاء صحيحًا.',
    invalid_cvc: 'أدخل الرمز المكون من 3 أو 4 أرقام.',
    challenge_title: 'أكّد الدفع لدى بنكك',
    challenge_text: 'يطلب منك بنكك تأكيد هذا الدفع.',
    challenge_button: 'تابع إلى بنكك',
    challenge_done: 'تم. يمكنك إغلاق هذه النافذة.',
  },
};

/**
 * What a field frame shows.
 *
 * @example
 * ```ts
 * pages.fieldPage({ field: 'number', locale: 'en', nonce, css: islandCss(branding), key: 'pk_test_...', origin: 'https://shop.example', session });
 * ```
 */
export interface FieldPageContext {
  readonly field: FieldKind;
  readonly locale: PageLocale;
  readonly nonce: string;
  /** CSS: the merchant's branding variables (islandCss) and the shop's checked style options. */
  readonly css: string;
  readonly key: string;
  readonly origin: string;
  readonly session: string;
}

/**
 * Renders the embedded fields' gateway-origin documents from core/templates/elements:
 * a field frame, the 3-D Secure challenge frame, and the page that ends it. Read
 * once at start-up; Handlebars escapes every value.
 */
@injectable()
export class ElementsPages {
  private readonly env = createTemplateEnv();
  private readonly field = this.compile('field.hbs');
  private readonly challenge = this.compile('challenge-frame.hbs');
  private readonly done = this.compile('challenge-done.hbs');
  /** tender.js and the frames' scripts, served as files. */
  readonly scripts: Readonly<Record<string, string>> = Object.fromEntries(
    ['tender.js', 'field.js', 'challenge-frame.js'].map((name) => [name, fs.readFileSync(path.join(CORE_TEMPLATES_DIR, 'elements', name), 'utf8')] as const),
  );

  fieldPage(c: FieldPageContext): string {
    const words = WORDS[c.locale];
    return this.field({
      ...c,
      dir: c.locale === 'ar' ? 'rtl' : 'ltr',
      label: words[c.field],
      error_text: words[`invalid_${c.field}`],
      is_number: c.field === 'number',
      is_expiry: c.field === 'expiry',
      is_cvc: c.field === 'cvc',
    });
  }

  challengePage(c: {
    locale: PageLocale;
    nonce: string;
    css: string;
    merchant: string;
    amount: string;
    acsUrl: string;
    creq: string;
    notificationUrl: string;
  }): string {
    return this.challenge({ ...c, dir: c.locale === 'ar' ? 'rtl' : 'ltr', t: WORDS[c.locale] });
  }

  donePage(c: { locale: PageLocale; nonce: string; paymentId: string; status: string; pageUrl: string; origins: readonly string[] }): string {
    return this.done({ ...c, dir: c.locale === 'ar' ? 'rtl' : 'ltr', t: WORDS[c.locale], origins: c.origins.join(' ') });
  }

  private compile(file: string): HandlebarsTemplateDelegate {
    return this.env.compile(fs.readFileSync(path.join(CORE_TEMPLATES_DIR, 'elements', file), 'utf8'), TEMPLATE_COMPILE);
  }
}
