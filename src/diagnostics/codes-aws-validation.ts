/**
 * Request validation on API Gateway REST (src/targets/aws/validators.ts, models.ts), part of the
 * catalogue in codes.ts. Each refuses a check API Gateway cannot make as the spec says, rather than
 * building a weaker one. Explanations: src/explain/aws-validation.ts.
 */
import { entry } from './entry.js';

export const AWS_VALIDATION_CODES = {
  'aws-parameter-unvalidated': entry<{ route: string; parameter: string; in: string; what: string }>(
    'error',
    (p) =>
      `aws: route ${p.route}: ${p.in} parameter ${p.parameter} is validated for ${p.what}, and API Gateway only checks that a required query string parameter or header is present and not blank`,
  ),
  'aws-body-media-type': entry<{ route: string; mediaTypes: string }>(
    'error',
    (p) =>
      `aws: route ${p.route}: its request body also accepts ${p.mediaTypes}; API Gateway validates a body only against a model for its content type, so either those bodies would fail the JSON model or a JSON body sent under another content type would skip validation`,
  ),
  'aws-schema-unsupported': entry<{ route: string; keyword: string; detail: string }>(
    'error',
    (p) => `aws: route ${p.route}: the request body schema's ${p.keyword} cannot be an API Gateway model (JSON Schema draft 4): ${p.detail}`,
  ),
} as const;
