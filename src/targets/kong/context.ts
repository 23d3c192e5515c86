/**
 * What every part of the Kong compiler shares: the model, the capability plan, the names, and
 * one place to report a problem. Parts never throw for user errors; they report and go on, and
 * the compile returns no files when any error was reported (fail closed).
 */
import type { ParamsOf, SpecificCode } from '../../diagnostics/codes.js';
import { diag, type Diagnostic, type Loc } from '../../diagnostics/diagnostic.js';
import type { Gateway } from '../../model/types.js';
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
}

export interface Ctx {
  gateway: Gateway;
  plan: CapabilityPlan;
  names: Namer;
  options: KongOptions;
  diagnostics: Diagnostic[];
  /**
   * A refusal or warning under its own code (src/diagnostics/codes.ts: `kong-*` or a shared one),
   * at the spec node the user edits. The code fixes severity and text: no free-text diagnostics.
   */
  report<C extends SpecificCode>(code: C, params: ParamsOf<C>, loc?: Loc): void;
}

export function makeCtx(gateway: Gateway, plan: CapabilityPlan, options: KongOptions): Ctx {
  const diagnostics: Diagnostic[] = [];
  return {
    gateway,
    plan,
    names: namer(gateway.name),
    options,
    diagnostics,
    report: (code, params, loc) => {
      diagnostics.push(diag(code, params, loc, { target: 'kong' }));
    },
  };
}
