/**
 * What every target's compile context shares (issue #17 item 2): the model, the capability plan,
 * the target's options, the diagnostics and the one way to add one, `report`, under a stable code
 * with typed params at the spec node the user edits. A target's `Ctx` extends it with its own
 * state (Kong's names, nginx's derived names, AWS's template parts, Traefik's routers).
 *
 * Parts never throw for user errors: they report and go on, and the compile returns no files when
 * an error was reported (fail closed).
 */
import type { ParamsOf, SpecificCode } from '../diagnostics/codes.js';
import { diag, type Diagnostic, type Loc } from '../diagnostics/diagnostic.js';
import type { Backend, Gateway, Route, SecurityScheme } from '../model/types.js';
import type { CapabilityPlan } from './capability-check.js';

export class TargetContext<O> {
  readonly diagnostics: Diagnostic[] = [];
  private readonly said = new Set<string>();

  constructor(
    /** The target's name, written on each diagnostic (`kong`, `aws`). */
    readonly target: string,
    readonly gateway: Gateway,
    readonly plan: CapabilityPlan,
    readonly options: O,
  ) {}

  /**
   * A refusal or warning under its own code (src/diagnostics/codes.ts), at the spec node the user
   * edits. The code fixes severity and text: no free-text diagnostics.
   */
  report<C extends SpecificCode>(code: C, params: ParamsOf<C>, loc?: Loc): void {
    this.diagnostics.push(diag(code, params, loc, { target: this.target }));
  }

  /** True the first time `key` is seen: something said once per backend or scheme, not per route. */
  once(key: string): boolean {
    if (this.said.has(key)) return false;
    this.said.add(key);
    return true;
  }

  backend(route: Route): Backend | undefined {
    return this.gateway.backends.find((b) => b.name === route.backend);
  }

  scheme(name: string): SecurityScheme | undefined {
    return this.gateway.securitySchemes.find((s) => s.name === name);
  }
}
