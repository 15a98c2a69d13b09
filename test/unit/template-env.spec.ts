import assert from 'node:assert/strict';
import { TEMPLATE_COMPILE, compileTemplate, createTemplateEnv } from '@tender/core';

/** The one Handlebars setup (core/src/templating/template-env.ts). */
describe('templates: the one Handlebars setup', () => {
  it('escapes values and never reaches prototype properties or methods, whatever the caller passes', () => {
    class Thing {
      get secret(): string {
        return 'from the prototype';
      }
    }
    const page = compileTemplate('<p>{{name}}|{{thing.secret}}|{{thing.constructor.name}}|{{lookup thing "__proto__"}}</p>');
    const html = page({ name: '<script>', thing: new Thing() }, { allowProtoPropertiesByDefault: true, allowProtoMethodsByDefault: true });
    assert.equal(html, '<p>&lt;script&gt;|||</p>');
  });

  it('registers only the shared helpers a set asks for, so a field of the same name still renders', () => {
    const bare = createTemplateEnv().compile('{{amount}} {{eq}}', TEMPLATE_COMPILE);
    assert.equal(bare({ amount: '15.00 RUB', eq: 'field' }), '15.00 RUB field');
    const withHelpers = createTemplateEnv({ helpers: ['amount', 'eq', 'datetime', 'add1', 'json'] }).compile(
      '{{amount minor currency}}|{{#if (eq a b)}}same{{/if}}|{{datetime at}}|{{add1 i}}|{{json data}}',
      TEMPLATE_COMPILE,
    );
    const out = withHelpers({ lang: 'en', minor: 150050, currency: 'RUB', a: 1, b: 1, at: Date.UTC(2026, 0, 2, 3, 4), i: 0, data: { x: '</script>' } });
    assert.match(out, /^RUB\s1,500\.50\|same\|2026-01-02 03:04 UTC\|1\|\{"x":"\\u003c\/script\\u003e"\}$/u);
  });

  it('formats only integer minor units; a float, a string of text or a missing currency renders nothing', () => {
    const page = createTemplateEnv({ helpers: ['amount'] }).compile('[{{amount minor currency}}]', TEMPLATE_COMPILE);
    assert.equal(page({ minor: 10.5, currency: 'RUB' }), '[]');
    assert.equal(page({ minor: 'abc', currency: 'RUB' }), '[]');
    assert.equal(page({ minor: 100 }), '[]');
    assert.equal(page({ minor: Number.MAX_SAFE_INTEGER + 2, currency: 'RUB' }), '[]');
  });

  it("looks texts up in the render's locale (lang, else locale, else English), escaped", () => {
    const seen: string[] = [];
    const env = createTemplateEnv({
      texts: (locale, key, params) => {
        seen.push(locale);
        return `${locale}:${key}:${typeof params.name === 'string' ? params.name : ''}`;
      },
    });
    const page = env.compile('{{t "hello" name=who}}', TEMPLATE_COMPILE);
    assert.equal(page({ lang: 'ar', who: '<b>' }), 'ar:hello:&lt;b&gt;');
    assert.equal(page({ locale: 'ru', who: 'x' }), 'ru:hello:x');
    assert.equal(page({ lang: 'xx', who: 'x' }), 'en:hello:x');
    assert.equal(page({ lang: '__proto__' }), 'en:hello:');
    assert.deepEqual(seen, ['ar', 'ru', 'en', 'en']);
  });

  it('keeps environments apart: a helper or partial of one set is unknown to another', () => {
    const one = createTemplateEnv({ helpers: ['eq'] });
    one.registerPartial('p', 'partial');
    const other = createTemplateEnv();
    assert.throws(() => other.compile('{{> p}}', TEMPLATE_COMPILE)({}), /could not be found/);
    assert.throws(() => other.compile('{{#if (eq 1 1)}}x{{/if}}', TEMPLATE_COMPILE)({}), /Missing helper: "eq"/);
  });
});
