/**
 * What every part of the Kong compiler shares: the model, the capability plan, the options, the
 * diagnostics and `report` (TargetContext, base-context.ts), plus Kong's own state, the names.
 * Parts never throw for user errors; they report and go on, and the compile returns no files when
 * any error was reported (fail closed).
 */
import type { Gateway } from '../../model/types.js';
import { TargetContext } from '../base-context.js';
import type { CapabilityPlan } from '../capability-check.js';
import { namer, type Namer } from './names.js';

/**
 * A decK environment template gwc itself wrote for a credential (secrets.ts). The emitter writes
 * exactly these as live templates, recognised by their type, never by their text: a user string
 * shaped like one is data (and refused, since decK would render it).
 */
export class DeckTemplate {
  constructor(readonly template: string) {}
}

export type Json = string | number | boolean | null | DeckTemplate | Json[] | { [k: string]: Json };
export type Entity = { [k: string]: Json };

export interface KongOptions {
  /** rate-limiting `policy`: `local` counts per node; `cluster` shares counters through the database. */
  rateLimitPolicy: 'local' | 'cluster';
  /** Entity names: gwc's own (default) or those `deck file openapi2kong` gives (o2k-names.ts). */
  names?: 'gwc' | 'openapi2kong';
  /**
   * true: every route carries its own pre-function and request-transformer, as before #18 (not a
   * user option: the hoisting proof, test/targets/kong/hoist.test.ts, compiles both ways).
   */
  perRoutePlugins?: boolean;
}

export class Ctx extends TargetContext<KongOptions> {
  readonly names: Namer;

  /** `findingsOnly`: nothing will be written (lint), so entity ids are not computed (names.ts UNRENDERED_ID). */
  constructor(gateway: Gateway, plan: CapabilityPlan, options: KongOptions, readonly findingsOnly = false) {
    super('kong', gateway, plan, options);
    this.names = namer(gateway.name, !findingsOnly);
  }

  /**
   * A context over the same inputs whose diagnostics go nowhere: for building an entity a second
   * time only to compare it (backends.ts, an upstream two openapi2kong services share), so what it
   * reports is not said twice.
   */
  silent(): Ctx {
    return new Ctx(this.gateway, this.plan, this.options, this.findingsOnly);
  }
}
