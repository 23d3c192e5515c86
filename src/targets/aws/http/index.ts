/**
 * The aws target's HTTP API flavour (`--option aws.api=http`, issue #20): one CloudFormation
 * template with an API Gateway HTTP API (v2): JWT authorizers from OAuth2/OIDC schemes, Lambda
 * and HTTP proxy integrations, CORS, per-route throttling, an auto-deployed stage and custom
 * domains. Its own capability table (capabilities.ts) is what the core checks against.
 */
import { hasErrors } from '../../../diagnostics/diagnostic.js';
import type { Gateway } from '../../../model/types.js';
import type { CapabilityPlan } from '../../capability-check.js';
import type { CompileOptions, CompileResult, Target } from '../../target.js';
import { awsDeployHint } from '../deploy-hint.js';
import { awsDeployed } from '../deployed.js';
import { serialise } from '../emit.js';
import { AWS_HTTP_CAPABILITIES } from './capabilities.js';
import { HttpCtx, HTTP_MAX_TIMEOUT_MS } from './context.js';
import { AWS_HTTP_KEYS } from './keys.js';
import { AWS_HTTP_OPTIONS, parseHttpOptions } from './options.js';
import { AWS_HTTP_POLICIES } from './policies.js';
import { buildHttpTemplate } from './template.js';
import { refuseUnspeltNames } from '../header-names.js';
import { forwardFallback } from '../../forward-fallback.js';
import { answersUnsetOnLambda, awsHttpVerifiedBy, awsVerifierReads } from '../authorizers.js';

export function compileAwsHttp(gateway: Gateway, plan: CapabilityPlan, compileOptions: CompileOptions): CompileResult {
  const parsed = parseHttpOptions(compileOptions.options, gateway.basePath);
  const ctx = new HttpCtx(gateway, plan, parsed.options);
  ctx.diagnostics.push(...parsed.diagnostics);
  // forwardAuth on a scheme API Gateway verifies itself: it never calls the service (forward-fallback.ts).
  // An accepted auth.forward gap leaves the answer headers unset where every route requiring the scheme
  // goes to an HTTP backend: the HTTP API removes every '-'/'_' spelling of them (integrations.ts
  // neutralise); a Lambda function receives every header the client sent.
  ctx.diagnostics.push(...forwardFallback(gateway, { target: 'aws', callsBeside: false, verifiedBy: awsHttpVerifiedBy, reads: awsVerifierReads, answersUnset: answersUnsetOnLambda(gateway) }));
  // A header cleared in every '-'/'_' spelling with more separators than gwc spells (header-names.ts).
  refuseUnspeltNames(ctx);
  const template = buildHttpTemplate(ctx);
  // Fail closed: a template is written only when nothing was refused.
  // Lint (findingsOnly) reads the diagnostics only: nothing here checks the serialised text.
  if (hasErrors(ctx.diagnostics) || compileOptions.findingsOnly) return { files: [], diagnostics: ctx.diagnostics };
  return { files: [{ path: `template.${parsed.options.format}`, contents: serialise(template, parsed.options.format) }], diagnostics: ctx.diagnostics };
}

export const awsHttpTarget: Target = {
  name: 'aws',
  title: 'AWS API Gateway (HTTP API, CloudFormation)',
  output: 'template.json (or template.yaml): a CloudFormation template with an API Gateway HTTP API',
  capabilities: AWS_HTTP_CAPABILITIES,
  policies: AWS_HTTP_POLICIES,
  limits: { maxTimeoutMs: HTTP_MAX_TIMEOUT_MS },
  deployed: awsDeployed,
  deployHint: awsDeployHint,
  options: AWS_HTTP_OPTIONS,
  keys: AWS_HTTP_KEYS,
  compile: compileAwsHttp,
};
