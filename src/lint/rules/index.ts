/**
 * The gwc ruleset: every rule gwc runs by default, as data. Adding a rule is one file plus one
 * line here; test/lint/registry.test.ts fails until it has a doc line and a table test.
 */
import type { Rule } from '../rule.js';
import backendPlainHttp from './backend-plain-http.js';
import corsCredentialsWildcard from './cors-credentials-wildcard.js';
import jwtAnyAudience from './jwt-any-audience.js';
import jwtKeyFamilyAmbiguous from './jwt-key-family-ambiguous.js';
import oas3ServerTrailingSlash from './oas3-server-trailing-slash.js';
import operationOperationId from './operation-operationid.js';
import operationOperationIdValidInUrl from './operation-operationid-valid-in-url.js';
import pathKeysNoTrailingSlash from './path-keys-no-trailing-slash.js';
import pathNotIncludeQuery from './path-not-include-query.js';
import pathParams from './path-params.js';
import pathParamShadowsProtected from './path-param-shadows-protected.js';
import pathTrailingSlashTwin from './path-trailing-slash-twin.js';
import { acceptOpensRoute, capabilityAccepted, capabilityDropped, capabilityEmulated, capabilityUnsupported } from './portability.js';
import publicNoRateLimit from './public-no-rate-limit.js';
import requestBodyUnvalidated from './request-body-unvalidated.js';
import secretLiteral from './secret-literal.js';
import securityMissing from './security-missing.js';
import serverBasePath from './server-base-path.js';
import { AWS_REFUSALS, targetCompile } from './target-refusals.js';
import timeoutCeiling from './timeout-ceiling.js';

export const RULES: readonly Rule[] = [
  operationOperationId,
  operationOperationIdValidInUrl,
  pathParams,
  serverBasePath,
  oas3ServerTrailingSlash,
  pathKeysNoTrailingSlash,
  pathNotIncludeQuery,
  pathTrailingSlashTwin,
  securityMissing,
  pathParamShadowsProtected,
  secretLiteral,
  backendPlainHttp,
  corsCredentialsWildcard,
  jwtKeyFamilyAmbiguous,
  jwtAnyAudience,
  publicNoRateLimit,
  requestBodyUnvalidated,
  timeoutCeiling,
  capabilityUnsupported,
  capabilityDropped,
  capabilityAccepted,
  acceptOpensRoute,
  capabilityEmulated,
  ...AWS_REFUSALS,
  targetCompile,
] as Rule[];
