/**
 * API Gateway's own x-amazon-apigateway-* extensions read from an existing spec (src/input/aws/),
 * part of the catalogue in codes.ts. Explanations: src/explain/aws-input.ts.
 */
import { entry } from './entry.js';

export const AWS_INPUT_CODES = {
  'aws-extension-ignored': entry<{ extension: string; detail: string }>('warn', (p) => `${p.extension} is not applied: ${p.detail}`),
  'aws-extension-unmapped': entry<{ extension: string; detail: string }>(
    'error',
    (p) => `${p.extension} cannot be carried over, and dropping it would change who can call the API or where requests go: ${p.detail}`,
  ),
  'aws-integration-unmapped': entry<{ route: string; type: string; detail: string }>(
    'error',
    (p) => `route ${p.route}: its x-amazon-apigateway-integration (type ${p.type}) is not what gwc builds for the route, and gwc would send the request elsewhere: ${p.detail}`,
  ),
  'aws-validator-unknown': entry<{ name: string; known: string }>(
    'error',
    (p) => `x-amazon-apigateway-request-validator names "${p.name}", which x-amazon-apigateway-request-validators does not define (${p.known || 'none'}); API Gateway refuses the import`,
  ),
} as const;
