/**
 * Request validation on nginx (src/targets/nginx/validate.ts), part of the catalogue in codes.ts:
 * what the njs validator cannot check as the spec says is refused at the node to edit, rather than
 * built weaker. Explanations: src/explain/nginx-validation.ts.
 */
import { entry } from './entry.js';

export const NGINX_VALIDATION_CODES = {
  'nginx-validate-schema': entry<{ route: string; keyword: string; why: string }>(
    'error',
    (p) => `nginx: route ${p.route}: the schema's ${p.keyword} ${p.why}; validation cannot be compiled for njs as the spec says it`,
  ),
  'nginx-validate-format-ignored': entry<{ route: string; format: string }>(
    'warn',
    (p) => `nginx: route ${p.route}: format "${p.format}" is not one the nginx validator knows, so it is not checked (JSON Schema treats an unknown format as an annotation)`,
  ),
  'nginx-validate-parameter': entry<{ route: string; parameter: string; in: string; why: string }>(
    'error',
    (p) => `nginx: route ${p.route}: ${p.in} parameter ${p.parameter} ${p.why}; the nginx validator cannot check it`,
  ),
  'nginx-validate-media-type': entry<{ route: string; mediaType: string }>(
    'error',
    (p) =>
      `nginx: route ${p.route}: its request body also accepts ${p.mediaType}, which the nginx validator cannot check (it validates JSON); such bodies would pass unchecked. Drop the media type, or switch body validation off for the operation (validate: { body: false })`,
  ),
} as const;
