/** Compile state shared by the nginx compiler's parts: diagnostics, names, options. */
import { diag, type Diagnostic, type Loc } from '../../diagnostics/diagnostic.js';
import type { Gateway } from '../../model/types.js';
import type { CapabilityPlan } from '../capability-check.js';
import { Refused, ident, printable } from './escape.js';
import type { NginxOptions } from './options.js';
import type { UpstreamView } from './backends.js';

export class Ctx {
  readonly diagnostics: Diagnostic[] = [];
  /** Prefix of every nginx name gwc creates (upstreams, zones, variables): several gateways can share one nginx. */
  readonly prefix: string;
  /** The `geo` variable holding a literal `$` (see escape.ts). */
  readonly dollar: string;
  /** Environment variables the njs module reads (`env` directives in the main context). */
  readonly envNames = new Set<string>();
  needsNjs = false;
  /** One upstream per backend, built (and diagnosed) once. */
  readonly upstreams = new Map<string, UpstreamView | undefined>();

  constructor(
    readonly gateway: Gateway,
    readonly plan: CapabilityPlan,
    readonly options: NginxOptions,
  ) {
    this.prefix = `gwc_${ident(gateway.name)}`;
    this.dollar = `${this.prefix}_dollar`;
  }

  error(detail: string, loc?: Loc): void {
    this.diagnostics.push(diag('target-error', { target: 'nginx', detail: printable(detail) }, loc, { target: 'nginx' }));
  }

  warn(detail: string, loc?: Loc): void {
    this.diagnostics.push(diag('target-warning', { target: 'nginx', detail: printable(detail) }, loc, { target: 'nginx' }));
  }

  /** Runs `fn`, turning a refusal of unsafe text into a diagnostic; returns undefined when refused. */
  safe<T>(loc: Loc | undefined, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof Refused) {
        this.error(e.message, loc);
        return undefined;
      }
      if (e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError)) {
        this.error(e.message, loc);
        return undefined;
      }
      throw e;
    }
  }
}
