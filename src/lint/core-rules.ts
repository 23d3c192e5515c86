/**
 * Checks the loader, the validators and the model already make, listed as lint rules so that
 * `--list-rules` shows them and a config can tune them like any other. Their tests are the
 * model's and, for lint, test/lint/core-rules.test.ts.
 */
import { CODES, type DiagnosticCode } from '../diagnostics/codes.js';
import type { Severity } from '../diagnostics/diagnostic.js';
import type { Category } from './rule.js';

export interface CoreRule {
  id: DiagnosticCode;
  category: Category;
  severity: Severity;
  doc: string;
}

const core = (id: DiagnosticCode, category: Category, doc: string): CoreRule => ({ id, category, severity: CODES[id].severity, doc });

export const CORE_RULES: readonly CoreRule[] = [
  core('operation-id-duplicate', 'structure', 'operationIds are unique (target names and ids derive from them).'),
  core('unknown-backend', 'structure', 'x-gateway backend references name a backend in x-gateway.backends.'),
  core('unknown-policy', 'structure', 'x-gateway policy references name a policy in x-gateway.policies.'),
  core('unknown-security-scheme', 'structure', 'Security requirements name a scheme in components.securitySchemes.'),
  core('path-param-invalid', 'structure', 'Path templates are well formed (no {}, //, unbalanced braces, repeated names).'),
  core('upstream-param-unknown', 'structure', 'upstreamPath uses only parameters of its path.'),
  core('route-duplicate', 'routing', 'No two operations give the same method and route once base paths are joined.'),
  core('route-ambiguous', 'routing', 'No two templates can match one URL with no precedence between them (/a/{x} vs /{y}/b).'),
  core('scheme-unverifiable', 'security', 'A bearer/OAuth2/OIDC scheme says how to verify tokens (x-gateway issuer/jwksUri, forwardAuth or lambdaAuthorizer).'),
  core('scheme-unsupported', 'security', 'Security schemes are of a type some gwc target can enforce.'),
  core('accept-unknown', 'portability', 'x-gateway.accept names known targets and features.'),
];
