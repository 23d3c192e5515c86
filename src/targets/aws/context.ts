/** The state one compile threads through the aws modules: inputs, the template being built, diagnostics. */
import type { ParamsOf, SpecificCode } from '../../diagnostics/codes.js';
import { diag, type Diagnostic, type Loc } from '../../diagnostics/diagnostic.js';
import type { Backend, Gateway, Route, SecurityScheme } from '../../model/types.js';
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

export class Ctx {
  readonly diagnostics: Diagnostic[] = [];
  readonly parameters: Record<string, Cfn> = {};
  readonly resources: Record<string, Cfn> = {};
  readonly outputs: Record<string, Cfn> = {};
  readonly namer = new Namer(Object.values(IDS));

  constructor(
    readonly gateway: Gateway,
    readonly plan: CapabilityPlan,
    readonly options: AwsOptions,
  ) {}

  private readonly said = new Set<string>();

  /** True the first time `key` is seen: a backend's diagnostics are said once, not per route. */
  once(key: string): boolean {
    if (this.said.has(key)) return false;
    this.said.add(key);
    return true;
  }

  /**
   * A refusal or warning under its own code (src/diagnostics/codes.ts, codes-aws.ts) with typed
   * params, at the spec node the user edits; the catalogue fixes its severity and message, so no
   * free text reaches a diagnostic from here.
   */
  report<C extends SpecificCode>(code: C, params: ParamsOf<C>, loc?: Loc): void {
    this.diagnostics.push(diag(code, params, loc, { target: 'aws' }));
  }

  backend(route: Route): Backend | undefined {
    return this.gateway.backends.find((b) => b.name === route.backend);
  }

  scheme(name: string): SecurityScheme | undefined {
    return this.gateway.securitySchemes.find((s) => s.name === name);
  }
}

export const ref = (id: string) => ({ Ref: id });
export const sub = (text: string) => ({ 'Fn::Sub': text });
