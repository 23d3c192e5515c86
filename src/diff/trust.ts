/**
 * What a compiled gateway takes on the spec's word instead of checking itself, as diff entities.
 *
 * `x-gateway.backends.*.methodOverride: none` lets Traefik and AWS build a POST beside a
 * differently protected method of the same backend path (src/targets/body-override.ts), and
 * `dotSegments: rejected` lets AWS build a path parameter beside a route its value could reach
 * through `..` (src/targets/aws/confusable.ts), and `pathMatching: exact` lets every target build a
 * path parameter beside a literal route its case or suffix variants reach (src/targets/param-variants.ts),
 * and `queryNames: exact` lets AWS REST build a query credential it blanks by its exact name only
 * (src/targets/aws/query-spellings.ts), and `headerNames: exact` lets AWS build a Lambda route whose
 * verified header credential's other spellings reach the function (src/targets/aws/lambda-spellings.ts): nothing in their output changes, only the refusal is gone, so the declaration is invisible to a reader of
 * the output. Its appearance is a weakening all the same (DESIGN.md section 7.8: how a request is
 * checked), so the compiled side carries it as an entity whose `trusts` fact the rules flag
 * (`trust-added`, src/diff/rules.ts). Deployed state cannot show it; `gwc diff --deployed` leaves
 * these entities out of both sides (run.ts), and `gwc diff --base REF` compares them.
 */
import { serverKey } from '../model/normalise/units.js';
import type { Backend, Gateway } from '../model/types.js';
import type { TargetKeyTable } from '../targets/key-table.js';
import { KEY_TABLES } from '../targets/key-tables.js';
import { compareText } from '../diagnostics/collate.js';
import { CONSUMER_KIND } from './consumers.js';
import type { Entity } from './entity.js';

/** The kind of the entities below: never a kind a target's reader writes. */
export const TRUST_KIND = 'gwc trust';

/** What `methodOverride: none` makes the gateway take on trust, as a reviewer reads it. */
export const NO_BODY_METHOD = 'the backend runs no _method of a request body (x-gateway methodOverride: none)';
/** What `dotSegments: rejected` makes the gateway take on trust. */
export const NO_DOT_SEGMENTS = "the backend never resolves a '.' or '..' path segment (x-gateway dotSegments: rejected)";

/** What `pathMatching: exact` makes the gateway take on trust. */
export const EXACT_PATHS = 'the backend matches request paths case-sensitively and without suffixes (x-gateway pathMatching: exact)';

/** What `queryNames: exact` makes the gateway take on trust. */
export const EXACT_QUERY_NAMES = 'the backend reads query parameters by their exact name only, never api_key[], API_KEY or api.key as api_key (x-gateway queryNames: exact)';

/** What `headerNames: exact` makes the gateway take on trust. */
export const EXACT_HEADER_NAMES = 'the backend reads request headers by their exact name only, never X_Token as X-Token (x-gateway headerNames: exact)';

/** Each backend declaration a target may take on trust: its key, whether a backend makes it, and what it trusts. */
const DECLARATIONS = [
  { key: 'backends.*.methodOverride', field: 'methodOverride', value: 'none', made: (b: Backend) => b.methodOverride?.value === 'none', trusts: NO_BODY_METHOD },
  { key: 'backends.*.dotSegments', field: 'dotSegments', value: 'rejected', made: (b: Backend) => b.dotSegments?.value === 'rejected', trusts: NO_DOT_SEGMENTS },
  { key: 'backends.*.pathMatching', field: 'pathMatching', value: 'exact', made: (b: Backend) => b.pathMatching?.value === 'exact', trusts: EXACT_PATHS },
  { key: 'backends.*.queryNames', field: 'queryNames', value: 'exact', made: (b: Backend) => b.queryNames?.value === 'exact', trusts: EXACT_QUERY_NAMES },
  { key: 'backends.*.headerNames', field: 'headerNames', value: 'exact', made: (b: Backend) => b.headerNames?.value === 'exact', trusts: EXACT_HEADER_NAMES },
] as const;

/**
 * One entity per backend whose declarations `target` relies on (its key table answers the key
 * `native`; a target that checks the thing itself, such as nginx and Kong reading the body, relies on nothing).
 */
export function trustEntities(gateway: Gateway, target: string): Entity[] {
  const table = (KEY_TABLES as Record<string, TargetKeyTable | undefined>)[target];
  const relied = DECLARATIONS.filter((d) => table?.[d.key]?.answer === 'native');
  const out: Entity[] = [];
  for (const b of gateway.backends) {
    const made = relied.filter((d) => d.made(b));
    if (made.length === 0) continue;
    // The word is about a server: naming it in what is trusted makes a declared backend re-pointed
    // at another server (url, VPC link, function) a new trust, flagged again.
    const at = serverOf(b);
    out.push({
      kind: TRUST_KIND,
      key: `backend ${b.name}`,
      fields: { ...Object.fromEntries(made.map((d) => [d.field, d.value])), at },
      facts: { trusts: made.map((d) => `${d.trusts} at ${at}`) },
    });
  }
  return [...out, ...schemeEntities(gateway), ...routeAudienceEntities(gateway)];
}

/** What `anyAudience: true` makes the gateway take on trust. */
export const ANY_AUDIENCE = 'the issuer mints tokens for this API alone: a token for any audience passes (x-gateway anyAudience: true)';

/**
 * One entity per JWT scheme: the audiences the spec accepts (`[]`: any, which `anyAudience: true`
 * states and a scheme without audiences means), as the scheme's mechanism, and `anyAudience` as a
 * trust. Where the output shows the audience check (nginx's njs CFG) its reader compares it too;
 * where it does not (a Cognito pool authorizer admits any app client of the pool, a forward-auth or
 * Lambda service checks what it checks), only the spec says it: `--base` then still reports
 * audiences widened or removed (jwt-audience-widened) and `anyAudience: true` added (trust-added).
 */
function schemeEntities(gateway: Gateway): Entity[] {
  const out: Entity[] = [];
  for (const s of gateway.securitySchemes) {
    const jwt = s.jwt;
    if (s.kind !== 'jwt' || !jwt) continue;
    const audiences = jwt.anyAudience ? [] : [...jwt.audiences].sort();
    const issuer = jwt.issuer ?? 'its issuer';
    out.push({
      kind: TRUST_KIND,
      key: `scheme ${s.name}`,
      fields: { audiences: jwt.anyAudience ? 'any (anyAudience: true)' : audiences },
      facts: { auth: [[s.name]], mechanisms: { [s.name]: { kind: 'jwt', jwt: { audiences } } }, trusts: jwt.anyAudience ? [`${ANY_AUDIENCE}: ${issuer}`] : [] },
    });
  }
  return out;
}

/**
 * One entity per route that accepts a JWT: the audiences it accepts per issuer (the union over its
 * alternatives' JWT schemes of that issuer; `[]`: any, a scheme with `anyAudience: true` or no
 * audiences). The scheme entities above compare a scheme with itself only: a route moved to another
 * scheme of the same issuer that accepts more audiences, or its scheme renamed and widened in one
 * change, changes no scheme entity comparably, and where the output holds no audience check
 * (Traefik forwardAuth, a Lambda or Cognito authorizer, Kong's jwt plugin without claims) nothing
 * else says so. Keyed by the route and named by issuer, not by scheme, so such a move reads as
 * jwt-audience-widened on the route on every target; another issuer is auth-weakened.
 */
function routeAudienceEntities(gateway: Gateway): Entity[] {
  const schemes = new Map(gateway.securitySchemes.map((s) => [s.name, s]));
  const out: Entity[] = [];
  for (const route of gateway.routes) {
    const byIssuer = new Map<string, string[] | 'any'>();
    for (const item of route.security.flat()) {
      const jwt = schemes.get(item.scheme)?.jwt;
      if (!jwt || schemes.get(item.scheme)!.kind !== 'jwt') continue;
      const mech = `jwt issued by ${jwt.issuer ?? 'its issuer'}`;
      const had = byIssuer.get(mech) ?? [];
      byIssuer.set(mech, had === 'any' || jwt.anyAudience || jwt.audiences.length === 0 ? 'any' : [...new Set([...had, ...jwt.audiences])]);
    }
    if (byIssuer.size === 0) continue;
    const mechs = [...byIssuer.keys()].sort(compareText);
    const audiences = (m: string) => {
      const a = byIssuer.get(m)!;
      return a === 'any' ? [] : [...a].sort(compareText);
    };
    out.push({
      kind: TRUST_KIND,
      key: `route ${route.id} audiences`,
      fields: Object.fromEntries(mechs.map((m) => [m, byIssuer.get(m) === 'any' ? 'any' : audiences(m)])),
      facts: { auth: mechs.map((m) => [m]), mechanisms: Object.fromEntries(mechs.map((m) => [m, { kind: 'jwt', jwt: { audiences: audiences(m) } }])) },
    });
  }
  return out;
}

/** The server(s) a backend speaks to: its targets' origins (through a VPC link, the link), its function. */
function serverOf(b: Backend): string {
  const link = b.vpcLink ? ` via VPC link ${b.vpcLink.id}` : '';
  const origins = [...new Set(b.targets.map((t) => `${serverKey(t.url)}${link}`))].sort();
  return [...(b.lambda ? [b.lambda.arn] : []), ...origins].join(', ') || `backend ${b.name}`;
}

/** The state without these entities nor consumers.ts's (what a deployed reader can compare). */
export function withoutTrust(entities: Entity[]): Entity[] {
  return entities.filter((e) => e.kind !== TRUST_KIND && e.kind !== CONSUMER_KIND);
}
