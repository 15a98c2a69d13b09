import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { CONFIG } from '../../config/tokens';
import { TenderConfig } from '../../config/config';
import { CORE_TEMPLATES_DIR } from '../../templates-dir';
import { compileTemplate } from '../../templating/template-env';
import { apiReferenceView } from './api-reference-view';
import { OpenApiDocument, buildOpenApiDocument } from './openapi-document';

/** The HTML reference of a document: Handlebars with escaping on and no prototype access. */
export function renderApiReference(document: OpenApiDocument): string {
  const template = compileTemplate(fs.readFileSync(path.join(CORE_TEMPLATES_DIR, 'api-reference', 'reference.hbs'), 'utf8'));
  return template(apiReferenceView(document));
}

/**
 * GET /openapi.json (the merchant API's OpenAPI 3.1 document) and GET /docs/api (the
 * same as an HTML reference, server-rendered: no script, so the default CSP holds).
 * Public: they describe the API, not any merchant. Built once, at start-up.
 */
export function openApiRoutes(container: DependencyContainer): Router {
  const router = Router();
  const document = buildOpenApiDocument(container.resolve<TenderConfig>(CONFIG).publicUrl);
  const json = JSON.stringify(document);
  const html = renderApiReference(document);

  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').setHeader('Cache-Control', 'public, max-age=300');
    res.send(json);
  });
  router.get('/docs/api', (_req, res) => {
    res.type('html').setHeader('Cache-Control', 'public, max-age=300');
    res.send(html);
  });
  return router;
}
