/** Compile state shared by the nginx compiler's parts: diagnostics, names, options. */
import { diag, type Diagnostic, type Loc } from '../../diagnostics/diagnostic.js';
import type { Gateway } from '../../model/types.js';
import type { CapabilityPlan } from '../capability-check.js';
import { Refused, ident, printable } from './escape.js';
import type { NginxOptions } from './options.js';
import type { UpstreamView } from './backends.js';

/**
 * nginx keeps variable names in a hash whose buckets hold 64 bytes by default
 * (https://nginx.org/en/docs/http/ngx_http_core_module.html#variables_hash_bucket_size): on 64-bit,
 * a name longer than 46 characters fails `nginx -t` ("could not build variables_hash"). The bucket
 * size cannot be raised from an included file (a second gateway or the user's own setting would be
 * a duplicate), so a long gateway name is shortened: its start plus a hash of the whole, which keeps
 * two gateways apart. 24 characters leave room for gwc's longest suffix (`_preflight`) and more.
 */
const MAX_PREFIX = 24;

export function namePrefix(gatewayName: string): string {
  const full = `gwc_${ident(gatewayName)}`;
  if (full.length <= MAX_PREFIX) return full;
  let h = 0x811c9dc5; // FNV-1a, 32 bits: deterministic and enough to tell gateways apart
  for (const b of Buffer.from(gatewayName, 'utf8')) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  const tag = h.toString(16).padStart(8, '0').slice(0, 6);
  return `${full.slice(0, MAX_PREFIX - tag.length - 1).replace(/_+$/, '')}_${tag}`;
}

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
    this.prefix = namePrefix(gateway.name);
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
