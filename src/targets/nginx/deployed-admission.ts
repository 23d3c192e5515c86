/**
 * A route's admission read as guards (Facts.guards.credential) for `gwc diff` (DIFF20): gwc's route
 * location `/_gwc_internal/r/N`, and the verify location `/_gwc_internal/v/N` of a per-consumer
 * limited route, first refuse (403) a request its own route did not admit
 * (`if ($<gw>_admit != $<gw>_route) { return 403; }`, templates-route.ts, templates-limit.ts), and
 * a route whose body check or validation runs first is admitted only pending (`b<N>`, servers.ts
 * admitOf) until the njs check passes (NGX6, NGX7). That pending value is not read here: the njs
 * check itself refuses (403) any other, so a dispatch edited to admit `N` or nothing only closes.
 * nginx variables survive every internal redirect: without the check, an `error_page`, a named
 * location, a backend's X-Accel-Redirect or `rewrite ... last` into r/N arrives with another
 * route's identity, or with the request its own body check or validation refused
 * (test/security/nginx-route-admission.test.ts, ngx7-nginx-body-admission-variants.test.ts).
 * Before, a copy with the check dropped read the same as gwc's (deployed-unread.ts gwcIf only
 * accepts the `if`); now that copy loses a guard: credential-unverified-passed.
 *
 * The check holds only as nginx runs it: in the rewrite phase, in file order, so the `if` must come
 * before any `rewrite`, `return`, `break` or `if` other than a refusal (which may end the phase
 * before it), after the location's own `set $<gw>_route`, and no `set $<gw>_admit` of the location
 * may precede it (one makes the comparison always equal). A verified route's proxy step also
 * refuses a request without the identity its auth check set (`$<gw>_id_key` empty), read the same.
 */
import type { Directive } from './deployed-parse.js';

export interface AdmissionInput {
  /** The route location's directives. */
  block: Directive[];
  /** The verify location's directives, when the route has one. */
  verify?: Directive[];
}

/** Directives that may end the rewrite phase of a location (a check after them never runs). */
const ENDS = new Set(['rewrite', 'return', 'break']);

/** The route number a location sets (`set $<gw>_route N`) and gwc's prefix, from the first such line. */
function routeVar(block: Directive[]): { prefix: string; n: string } | undefined {
  const d = block.find((x) => x.name === 'set' && /^\$[A-Za-z0-9_]+_route$/.test(x.args[0] ?? ''));
  return d ? { prefix: d.args[0]!.slice(1, -'_route'.length), n: d.args[1] ?? '' } : undefined;
}

const condOf = (d: Directive) => d.args.join(' ').replace(/\s+/g, ' ').replace(/^\( ?/, '(').replace(/ ?\)$/, ')');
/** An `if` whose one step is a refusal (`return 4xx`): it cannot end the phase for a request it lets through. */
const refusal = (d: Directive, status?: string) => (d.block ?? []).length === 1 && d.block![0]!.name === 'return' && (status ? d.block![0]!.args.join(' ') === status : /^4\d\d$/.test(d.block![0]!.args[0] ?? ''));

/**
 * The refusals `block` makes first in its rewrite phase (before any step that may end it, or an
 * `if` that is not a refusal): `admission` (its own route's admission), `identity` (a verified
 * identity, VERIFIED_PARTIAL: `if ($<gw>_id_key = "") { return 403; }`). A `set` of the variable a
 * check reads, before it, disables that check.
 */
export function leadingRefusals(block: Directive[], prefix: string, n: string): Set<'admission' | 'identity'> {
  const out = new Set<'admission' | 'identity'>();
  let route: string | undefined;
  const setBefore = new Set<string>();
  for (const d of block) {
    if (d.name === 'set') {
      if (d.args[0] === `$${prefix}_route`) route = d.args[1];
      setBefore.add(d.args[0] ?? '');
    } else if (d.name === 'if') {
      if (!refusal(d)) break;
      const cond = condOf(d);
      if (cond === `($${prefix}_admit != $${prefix}_route)` && refusal(d, '403') && route === n && !setBefore.has(`$${prefix}_admit`)) out.add('admission');
      // nginx reads `""` as the empty string: the parser gives `=` and nothing (or `""`).
      if (cond.startsWith(`($${prefix}_id_key `) && /^\(\$[A-Za-z0-9_]+_id_key ?= ?(?:"")?\)$/.test(cond) && refusal(d, '403') && !setBefore.has(`$${prefix}_id_key`)) out.add('identity');
    } else if (ENDS.has(d.name)) break;
  }
  return out;
}

/** The admission guards a route keeps (see the file header), as guard texts. */
export function admissionGuards(input: AdmissionInput): string[] {
  const v = routeVar(input.block);
  if (!v) return [];
  const out: string[] = [];
  const route = leadingRefusals(input.block, v.prefix, v.n);
  if (route.has('admission')) out.push('a request its own route did not admit (an internal redirect from elsewhere): refused (403)');
  // A verified route's proxy step (templates-limit.ts VERIFIED_PARTIAL): entered past its auth check, no identity.
  if (route.has('identity')) out.push('a request without the identity its auth check verified (entered past it): refused (403)');
  if (input.verify && leadingRefusals(input.verify, v.prefix, v.n).has('admission')) out.push('a request its own route did not admit, at its auth check before the limit: refused (403)');
  return out;
}
