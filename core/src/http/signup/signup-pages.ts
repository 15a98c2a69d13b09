import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { CORE_TEMPLATES_DIR } from '../../templates-dir';

/** templates/signup at the repository root. */
export const SIGNUP_TEMPLATES = path.join(CORE_TEMPLATES_DIR, 'signup');

/**
 * The sign-up pages: Handlebars with HTML escaping on, no prototype access, and the
 * page's own minimal layout. Templates are read once.
 */
export class SignupPages {
  private readonly hbs = Handlebars.create();
  private readonly layout: HandlebarsTemplateDelegate;
  private readonly formPage: HandlebarsTemplateDelegate;
  private readonly donePage: HandlebarsTemplateDelegate;

  constructor(dir = SIGNUP_TEMPLATES) {
    const load = (name: string) => this.hbs.compile(fs.readFileSync(path.join(dir, `${name}.hbs`), 'utf8'), { strict: false });
    this.layout = load('layout');
    this.formPage = load('signup');
    this.donePage = load('signup-done');
  }

  form(data: Record<string, unknown>): string {
    return this.page('Sign up', this.formPage(data));
  }

  done(data: Record<string, unknown>): string {
    return this.page('Your test keys', this.donePage(data));
  }

  private page(title: string, body: string): string {
    return this.layout({ title, body: new Handlebars.SafeString(body) }, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  }
}
