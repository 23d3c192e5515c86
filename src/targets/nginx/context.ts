/**
 * Compile state shared by the nginx compiler's parts: what every target shares (diagnostics, the
 * plan, options, `report`, `once`, `backend`, `scheme`: base-context.ts) plus nginx's own names,
 * njs needs and upstreams.
 */
import type { ParamsOf, SpecificCode } from '../../diagnostics/codes.js';
import type { Loc } from '../../diagnostics/diagnostic.js';
import type { Gateway } from '../../model/types.js';
import { TargetContext } from '../base-context.js';
import type { CapabilityPlan } from '../capability-check.js';
import { Refused, ident, printable } from './escape.js';
import type { NginxOptions } from './options.js';
import type { UpstreamView } from './upstream-view.js';

/**
 * nginx keeps variable names in a hash whose buckets hold 64 bytes by default
 * (https://nginx.org/en/docs/http/ngx_http_core_module.html#variables_hash_bucket_size): on 64-bit,
 * a name longer than 46 characters fails `nginx -t` ("could not build variables_hash"). The bucket
 * size cannot be raised from an included file (a second gateway or the user's own setting would be
 * a duplicate), so a long gateway name is shortened: its start plus a hash of the whole, which keeps
 * two gateways apart. 24 characters leave room for gwc's longest suffix (`_preflight`) and more.
 */
const MAX_PREFIX = 24;
/** The longest variable name the default `variables_hash_bucket_size` (64) holds on 64-bit. */
export const MAX_VARIABLE = 46;

const UTF8 = new TextEncoder();

/** FNV-1a, 32 bits, over the UTF-8 bytes, as 6 hex digits: deterministic and enough to tell names apart. */
export function nameTag(text: string): string {
  let h = 0x811c9dc5;
  for (const b of UTF8.encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0').slice(0, 6);
}

/** `name` if it fits in `max` characters, else its start and a tag of `source` (the text it came from). */
export function bounded(name: string, source: string, max: number): string {
  if (name.length <= max) return name;
  const tag = nameTag(source);
  return `${name.slice(0, max - tag.length - 1).replace(/_+$/, '')}_${tag}`;
}

export function namePrefix(gatewayName: string): string {
  return bounded(`gwc_${ident(gatewayName)}`, gatewayName, MAX_PREFIX);
}

export class Ctx extends TargetContext<NginxOptions> {
  /** Prefix of every nginx name gwc creates (upstreams, zones, variables): several gateways can share one nginx. */
  readonly prefix: string;
  /** The `geo` variable holding a literal `$` (see escape.ts). */
  readonly dollar: string;
  /** Environment variables the njs module reads (`env` directives in the main context). */
  readonly envNames = new Set<string>();
  needsNjs = false;
  /** Lint's compile (CompileOptions.findingsOnly): no file is written unless a value could be refused. */
  findingsOnly = false;
  /** One upstream per backend, built (and diagnosed) once. */
  readonly upstreams = new Map<string, UpstreamView | undefined>();
  /** Names derived from user text, per kind: name → the text it stands for (see {@link derivedName}). */
  private readonly derived = new Map<string, Map<string, string>>();

  constructor(gateway: Gateway, plan: CapabilityPlan, options: NginxOptions) {
    super('nginx', gateway, plan, options);
    this.prefix = namePrefix(gateway.name);
    this.dollar = `${this.prefix}_dollar`;
    // Upstream names first, in backend-name order, so a backend's name never depends on which route uses it first.
    for (const name of gateway.backends.map((b) => b.name).sort()) this.derivedName('', name);
  }

  /**
   * An nginx name made from user text (a backend, a header): `<prefix>_<kind>_<ident(text)>`, at
   * most {@link MAX_VARIABLE} characters whatever the text's length (variables beyond that fail
   * `nginx -t`, see above), and unique per kind: two texts that `ident` folds together (`x-a`,
   * `x_a`) or that share a shortened start get different names, the later one (in the order the
   * compiler asks, which follows the sorted spec) a tag of its whole text. The same text always
   * gets the same name.
   */
  derivedName(kind: string, text: string): string {
    const taken = this.derived.get(kind) ?? new Map<string, string>();
    this.derived.set(kind, taken);
    for (const [name, source] of taken) if (source === text) return name;
    const base = kind === '' ? `${this.prefix}_${ident(text)}` : `${this.prefix}_${kind}_${ident(text)}`;
    let name = bounded(base, text, MAX_VARIABLE);
    if (taken.has(name)) name = bounded(`${base}_${nameTag(text)}`, `${text}\u0000`, MAX_VARIABLE);
    if (taken.has(name)) throw new Error(`internal: two ${kind || 'upstream'} names fold to ${name}`);
    taken.set(name, text);
    return name;
  }

  /**
   * The base's `report`, with text params shown with control characters escaped: nginx's params
   * carry spec text (names, headers, values a refusal quotes), and no diagnostic carries them raw.
   */
  override report<C extends SpecificCode>(code: C, params: ParamsOf<C>, loc?: Loc): void {
    const shown = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? printable(v) : v])) as ParamsOf<C>;
    super.report(code, shown, loc);
  }

  /**
   * Runs `fn`, turning a refusal (`Refused`: unsafe or unrepresentable text) into its coded
   * diagnostic; returns undefined when refused. Any other Error is gwc's bug: internal-error,
   * still refusing the build (fail closed).
   */
  safe<T>(loc: Loc | undefined, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof Refused) {
        if (e.coded) this.report(e.coded.code, e.coded.params, loc);
        else this.report('nginx-value-refused', { what: e.what, value: e.value, why: e.why }, loc);
        return undefined;
      }
      if (e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError)) {
        this.report('internal-error', { detail: e.message }, loc);
        return undefined;
      }
      throw e;
    }
  }
}
