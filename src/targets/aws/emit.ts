/**
 * Serialising the template, and the size and count limits CloudFormation checks on it
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
 */
import { stringify } from 'yaml';
import type { Cfn, Ctx } from './context.js';

/** Largest template CloudFormation takes inline (`--template-body`); larger needs S3. */
export const INLINE_TEMPLATE_BYTES = 51_200;
/** Largest template CloudFormation takes at all (from S3). */
export const MAX_TEMPLATE_BYTES = 1_048_576;
export const MAX_RESOURCES = 500;
/** API Gateway's default quota of resources (path nodes) per REST API; adjustable. */
export const MAX_API_RESOURCES = 300;

export function serialise(template: Cfn, format: 'json' | 'yaml'): string {
  if (format === 'json') return `${JSON.stringify(template, null, 2)}\n`;
  // Long form intrinsics (Fn::Sub:) keep the YAML plain data; no tags, no anchors, no folding.
  return stringify(template, { lineWidth: 0, aliasDuplicateObjects: false });
}

export function checkLimits(ctx: Ctx, template: Cfn, text: string): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  const resources = Object.keys((template.Resources as Cfn | undefined) ?? {}).length;
  if (bytes > MAX_TEMPLATE_BYTES) {
    const routes = ctx.gateway.routes.length;
    ctx.report('aws-template-too-large', { bytes, limit: MAX_TEMPLATE_BYTES, fits: fitting(bytes, routes), routes }, ctx.gateway.loc);
  } else if (bytes > INLINE_TEMPLATE_BYTES) {
    ctx.report('aws-template-not-inline', { bytes, limit: INLINE_TEMPLATE_BYTES }, ctx.gateway.loc);
  }
  if (resources > MAX_RESOURCES) {
    ctx.report('aws-too-many-resources', { resources, limit: MAX_RESOURCES }, ctx.gateway.loc);
  }
  const paths = Object.keys(((template.Resources as Cfn)?.RestApi as Cfn | undefined)?.Properties ? bodyPaths(template) : {});
  const nodes = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i += 1) nodes.add(parts.slice(0, i).join('/'));
  }
  if (nodes.size + 1 > MAX_API_RESOURCES) {
    ctx.report('aws-api-resource-quota', { resources: nodes.size + 1, limit: MAX_API_RESOURCES }, ctx.gateway.loc);
  }
}

/** Routes of average size that fit in one template, leaving a tenth for the rest of the stack. */
function fitting(bytes: number, routes: number): number {
  return Math.floor((MAX_TEMPLATE_BYTES * 0.9) / (bytes / Math.max(routes, 1)));
}

function bodyPaths(template: Cfn): Record<string, unknown> {
  const api = (template.Resources as Cfn).RestApi as Cfn;
  const body = (api.Properties as Cfn).Body as Cfn;
  return (body.paths as Record<string, unknown>) ?? {};
}
