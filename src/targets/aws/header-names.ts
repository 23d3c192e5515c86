/**
 * What an HTTP backend makes of a header name's `-`/`_` spelling, and what AWS maps for it
 * (closing15 "Still open" 5; `x-gateway.backends.NAME.headerNames`).
 *
 * Both flavours pass a client's `X_Forwarded_User` line as sent, and PHP/CGI, Rack (Unicorn, Puma
 * < 6.4.3) and WSGI servers (gunicorn < 22) read it as HTTP_X_FORWARDED_USER, the header itself.
 * gwc maps the guarded headers (identity, overrides, forward-auth answers, the route's header
 * credentials, Transfer_Encoding) in every spelling, but the forwarding family
 * (CLIENT_FORWARDING_HEADERS: X-Forwarded-User, X-Real-IP, X-Forwarded-Host's `_` forms, ...) has
 * 250 spellings, ~19.7 KB per REST method (84 keyed routes per 1 MB template -> 32;
 * test/targets/aws/spellings-cost): the template cannot carry them for every backend. So the
 * backend says how it reads names, and pays only for what it needs:
 *
 * - `exact`: it reads a name as sent, or drops `_` names (Node, Go, the JVM, .NET; gunicorn >= 22
 *   drops them, Puma >= 6.4.3 drops one whose dash name is also sent, as every name gwc guards is):
 *   no `_` spelling is mapped at all (7.4 KB per keyed route, 141 per template). gwc diff flags the
 *   declaration as trust-added (src/diff/trust.ts).
 * - `folded`: it reads `_` as `-`: every spelling is mapped, the forwarding family too (~32 KB per
 *   keyed route; aws-template-too-large says how many fit).
 * - unstated: the guarded headers in every spelling, the forwarding family by its dash names, and a
 *   warning at the backend, `aws-header-name-spellings`, once per backend its routes reach.
 *
 * `Content_Length` is never mapped on REST (the HTTP API removes it): a mapping cannot remove a
 * line, and an empty or copied value is a second Content-Length to the servers that fold `_`:
 * Unicorn refuses every body then ("Content-Length already set", unicorn_http.rl), while without a
 * mapping it refuses only a client's own second line; Unicorn before that check and Puma < 5.0.3
 * take the last or joined value (request smuggling on the kept-alive connection). Said by the
 * warnings (aws-header-name-spellings when unstated, aws-folded-content-length when `folded`);
 * test/security/aws-forwarding-spellings.test.ts.
 */
import type { Loc } from '../../diagnostics/diagnostic.js';
import type { Backend, Route } from '../../model/types.js';
import type { TargetContext } from '../base-context.js';
import { schemeCarriers } from '../credential-carriers.js';
import { MAX_SPELT_SEPARATORS } from '../header-spellings.js';

export type HeaderNaming = 'exact' | 'folded' | 'unstated';

export function headerNaming(backend: Backend | undefined): HeaderNaming {
  return backend?.headerNames?.value ?? 'unstated';
}

/**
 * Warns once per HTTP backend reached by `routes` whose header naming is unstated
 * (aws-header-name-spellings, at the backend), and, on REST, once per backend declared `folded`
 * (aws-folded-content-length, at its headerNames line): the one backend that reads a client's
 * Content_Length as Content-Length, which no REST mapping can take out (see above), was the one
 * told nothing at build time.
 */
export function checkHeaderNames(ctx: TargetContext<unknown>, routes: readonly Route[], flavour: 'rest' | 'http'): void {
  const hit = new Map<Backend, Route[]>();
  for (const route of routes) {
    const backend = ctx.backend(route);
    if (!backend || backend.kind !== 'http') continue;
    const naming = headerNaming(backend);
    if (naming === 'exact' || (naming === 'folded' && flavour === 'http')) continue;
    const list = hit.get(backend) ?? [];
    hit.set(backend, list);
    list.push(route);
  }
  for (const [backend, list] of hit) {
    const params = { backend: backend.name, routes: list.length, first: list[0]!.id };
    if (backend.headerNames?.value === 'folded') ctx.report('aws-folded-content-length', params, backend.headerNames.loc);
    else ctx.report('aws-header-name-spellings', { ...params, flavour }, backend.loc);
  }
}

/**
 * A header AWS must map in every `-`/`_` spelling (a forward-auth service's answer header, cleared
 * on every route; a header a route's scheme reads its credential from) has 2^separators - 1 other
 * spellings, and separatorSpellings gives those of the first MAX_SPELT_SEPARATORS only: a name with
 * more would leave spellings a folding backend reads as it (closing15 "Still open" 5). Refused at
 * its line, `aws-header-name-separators`, on both flavours, whatever the backend says (the answer
 * headers are cleared on every route, whichever backend); no real header has that many.
 */
export function refuseUnspeltNames(ctx: TargetContext<unknown>): void {
  const used = new Set<string>();
  for (const r of ctx.gateway.routes) for (const alt of r.security) for (const item of alt) used.add(item.scheme);
  for (const s of ctx.gateway.securitySchemes) {
    const fa = s.forwardAuth;
    const at = fa ? { file: fa.loc.file, pointer: `${fa.loc.pointer}/responseHeaders` } : s.loc;
    for (const h of fa?.responseHeaders ?? []) refuseIfUnspelt(ctx, s.name, h, at);
    if (!used.has(s.name)) continue;
    for (const h of new Set(schemeCarriers(s).flatMap((c) => (c.in === 'header' ? [c.name] : [])))) refuseIfUnspelt(ctx, s.name, h, s.loc);
  }
}

function refuseIfUnspelt(ctx: TargetContext<unknown>, scheme: string, header: string, loc: Loc): void {
  const separators = (header.match(/[-_]/g) ?? []).length;
  if (separators > MAX_SPELT_SEPARATORS) ctx.report('aws-header-name-separators', { scheme, header, separators, max: MAX_SPELT_SEPARATORS }, loc);
}
