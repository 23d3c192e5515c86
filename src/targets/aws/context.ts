/** The state one compile threads through the aws modules: inputs, the template being built, diagnostics. */
import type { Gateway } from '../../model/types.js';
import { TargetContext } from '../base-context.js';
import type { CapabilityPlan } from '../capability-check.js';
import { Namer } from './names.js';
import type { AwsOptions } from './options.js';

/** A CloudFormation fragment: plain JSON, possibly holding intrinsic functions. */
export type Cfn = { [key: string]: unknown };

/** Fixed logical ids; user-derived ids never take them. */
export const IDS = {
  api: 'RestApi',
  stage: 'Stage',
  usagePlan: 'UsagePlan',
  domain: 'CustomDomain',
  mapping: 'BasePathMapping',
  certificate: 'CertificateArn',
  accessLog: 'AccessLogDestinationArn',
} as const;

/**
 * The REST flavour's compile state on the shared base (src/targets/base-context.ts: model, plan,
 * options, coded diagnostics, `once`, `backend`, `scheme`): the template's Parameters, Resources
 * and Outputs being built, and the namer of their logical ids.
 */
export class Ctx extends TargetContext<AwsOptions> {
  readonly parameters: Record<string, Cfn> = {};
  readonly resources: Record<string, Cfn> = {};
  readonly outputs: Record<string, Cfn> = {};
  readonly namer = new Namer(Object.values(IDS));

  constructor(gateway: Gateway, plan: CapabilityPlan, options: AwsOptions) {
    super('aws', gateway, plan, options);
  }
}

export const ref = (id: string) => ({ Ref: id });
export const sub = (text: string) => ({ 'Fn::Sub': text });
