import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CATALOGUE, FAILURE_CODES } from '@tender/core';

const docs = (file: string): string => fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', file), 'utf8');

describe('error catalogue (no database)', () => {
  it('documents every error code in docs/errors.md', () => {
    const page = docs('errors.md');
    const missing = Object.keys(ERROR_CATALOGUE).filter((code) => !page.includes(`\`${code}\``));
    assert.deepEqual(missing, [], `codes missing from docs/errors.md: ${missing.join(', ')}`);
  });

  it('documents every payment failure code in docs/errors.md', () => {
    const page = docs('errors.md');
    const missing = FAILURE_CODES.filter((code) => !page.includes(`\`${code}\``));
    assert.deepEqual(missing, []);
  });

  it('gives every code a status that matches its type', () => {
    for (const [code, def] of Object.entries(ERROR_CATALOGUE)) {
      assert.ok(def.status >= 400 && def.status < 600, code);
      if (def.type === 'authentication_error') assert.equal(def.status, 401, code);
      if (def.type === 'not_found_error') assert.equal(def.status, 404, code);
      if (def.type === 'state_error') assert.equal(def.status, 409, code);
    }
  });
});
