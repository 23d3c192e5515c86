/**
 * The aws target: one CloudFormation template (JSON, or YAML with --option format=yaml) holding an
 * API Gateway REST API whose Body is the spec as API Gateway imports it. See template.ts for the
 * resources and capabilities.ts for what maps to what.
 */
import { hasErrors } from '../../diagnostics/diagnostic.js';
import type { Gateway } from '../../model/types.js';
import type { CapabilityPlan } from '../capability-check.js';
import type { CompileOptions, CompileResult, Target } from '../target.js';
import { AWS_CAPABILITIES } from './capabilities.js';
import { Ctx } from './context.js';
import { checkLimits, serialise, serialisedBytes } from './emit.js';
import { AWS_DEFAULT_MAX_TIMEOUT_MS, AWS_OPTIONS, parseOptions } from './options.js';
import { buildTemplate, withContentHash } from './template.js';
import { AWS_POLICIES } from './policies.js';
import { awsDeployed } from './deployed.js';
import { awsDeployHint } from './deploy-hint.js';
import { awsHttpTarget } from './http/index.js';
import { refuseUnspeltNames } from './header-names.js';
import { forwardFallback } from '../forward-fallback.js';
import { answersUnsetOnLambda, awsVerifiedBy, awsVerifierReads } from './authorizers.js';

export function compileAws(gateway: Gateway, plan: CapabilityPlan, compileOptions: CompileOptions): CompileResult {
  const parsed = parseOptions(compileOptions.options, gateway.basePath);
  const ctx = new Ctx(gateway, plan, parsed.options);
  ctx.diagnostics.push(...parsed.diagnostics);
  // forwardAuth on a scheme API Gateway verifies itself: it never calls the service (forward-fallback.ts).
  // An accepted auth.forward gap leaves the answer headers unset where every route requiring the scheme
  // goes to an HTTP backend: every '-'/'_' spelling of them is emptied on every http_proxy route
  // (neutralise.ts neutraliseOverrides, 1b77f2d); a Lambda function receives every header the client sent.
  ctx.diagnostics.push(...forwardFallback(gateway, { target: 'aws', callsBeside: false, verifiedBy: awsVerifiedBy, reads: awsVerifierReads, answersUnset: answersUnsetOnLambda(gateway) }));
  // A header cleared in every '-'/'_' spelling with more separators than gwc spells (header-names.ts).
  refuseUnspeltNames(ctx);
  // Built even for lint (findingsOnly): CloudFormation's size limits are checked on its bytes (with
  // a placeholder of the same length for the Deployment's content hash, template.ts), which JSON
  // counts without writing the text (emit.ts serialisedBytes: the same number, #18). The hash is
  // taken only for a template that is written: lint and a refused build (GitHub's 8.9 MB, over
  // CloudFormation's limit) never hash the Body nor write it. YAML is measured on its text, hashed first.
  const json = parsed.options.format === 'json';
  const template = buildTemplate(ctx, !compileOptions.findingsOnly && !json);
  if (compileOptions.findingsOnly || json) {
    checkLimits(ctx, template, serialisedBytes(template, parsed.options.format));
    if (compileOptions.findingsOnly || hasErrors(ctx.diagnostics)) return { files: [], diagnostics: ctx.diagnostics };
    return { files: [{ path: 'template.json', contents: serialise(withContentHash(template), 'json') }], diagnostics: ctx.diagnostics };
  }
  const contents = serialise(template, parsed.options.format);
  checkLimits(ctx, template, Buffer.byteLength(contents, 'utf8'));
  // Fail closed: a template is written only when nothing was refused.
  if (hasErrors(ctx.diagnostics)) return { files: [], diagnostics: ctx.diagnostics };
  return { files: [{ path: `template.${parsed.options.format}`, contents }], diagnostics: ctx.diagnostics };
}

export const awsTarget: Target = {
  name: 'aws',
  title: 'AWS API Gateway (REST API, CloudFormation)',
  output: 'template.json (or template.yaml): a CloudFormation template with an API Gateway REST API',
  capabilities: AWS_CAPABILITIES,
  policies: AWS_POLICIES,
  limits: { maxTimeoutMs: AWS_DEFAULT_MAX_TIMEOUT_MS },
  deployed: awsDeployed,
  deployHint: awsDeployHint,
  options: AWS_OPTIONS,
  compile: compileAws,
  // --option aws.api=http: API Gateway HTTP APIs, their own table and compiler (src/targets/aws/http).
  flavours: [{ option: 'api', value: 'http', target: awsHttpTarget }],
};
