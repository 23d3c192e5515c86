/**
 * The text `gwc init` adds: the root x-gateway block, the commented choices of each security
 * scheme and the reminder on each operation without security. Lines, not a re-rendered document,
 * so that the user's file keeps every byte it had (index.ts splices them in). User text (names,
 * URLs) goes through `scalar`, which quotes whatever is not a plain, safe YAML token.
 */
import type { InitPlan, InitScheme, UnsecuredOperation } from './plan.js';

const PLAIN = /^[A-Za-z0-9_./:-]+$/;
/** A YAML scalar for user text: plain when unambiguous, else a JSON (= YAML double-quoted) string. */
export function scalar(s: string): string {
  return PLAIN.test(s) && !/^[-:?]/.test(s) && !/:\s|:$/.test(s) && !/^(true|false|null|~|[0-9.+-]+)$/i.test(s) ? s : JSON.stringify(s);
}

const env = (name: string) => `'\${env:${name}}'`;

export function rootBlock(plan: InitPlan): string[] {
  const lines = ['x-gateway:', '  # Started by gwc init: review every line. README "Bring your own spec" says what each target needs.', `  name: ${scalar(plan.name)}`, '  backends:'];
  const backends = plan.backends.length > 0 ? plan.backends : [{ name: 'api', url: 'http://backend.internal:8080', from: '' }];
  for (const b of backends) {
    lines.push(`    ${scalar(b.name)}:`);
    // servers name where the API answers today; behind a gateway that is the gateway's own address.
    lines.push(`      url: ${scalar(b.url)}${b.from ? `   # from ${b.from}: point it at the service itself if the gateway takes over this address` : "   # no absolute servers URL: set the backend's address"}`);
    lines.push('      # vpcLink: VPCLINKID   # aws only: the VPC link through which API Gateway reaches a private host');
    // Traefik and AWS cannot read a body, so they refuse a POST whose body `_method` could run a
    // stricter operation; only the user knows their framework (src/targets/body-override.ts).
    lines.push("      # methodOverride: none   # traefik, aws: uncomment only if this backend never runs the method a POST body's _method names (no Rails/Laravel/Symfony/Express method-override)");
    // methodOverride speaks for the body; API Gateway blanks the query's `_method` by that exact
    // name only, so beside it AWS needs the backend's word on how it reads query names too.
    lines.push("      # queryNames: exact   # aws, with methodOverride: none: uncomment only if this backend reads a query name only as sent ([_method], _method], .method are not _method to it)");
    // API Gateway passes a path parameter into the backend path; an HTTP API decodes it again, so
    // a value can carry ../ (src/targets/aws/confusable.ts); only the user knows their server.
    lines.push("      # dotSegments: rejected   # aws: uncomment only if this backend never resolves a '.' or '..' segment of a request path (it answers 400/404 or reads it as text)");
  }
  lines.push('  policies:', '    standard:', '      rateLimit: { requests: 100, per: minute }');
  lines.push('  defaults:', `    backend: ${scalar(backends[0]!.name)}`, '    policies: [standard]');
  if (plan.consumers.length > 0) {
    lines.push('  consumers:', '    # One consumer per caller, each with its own secret: copy, rename, and set the variables.');
    for (const c of plan.consumers) {
      lines.push(`    ${scalar(c.name)}:`, '      credentials:');
      if (c.kind === 'apiKey') lines.push(`        ${scalar(c.scheme)}: ${env(c.env)}`);
      else lines.push(`        ${scalar(c.scheme)}:`, `          username: ${scalar(c.name)}`, `          password: ${env(c.env)}`);
    }
  }
  const partial = new Map<string, Array<{ feature: string; what: string }>>();
  for (const s of plan.schemes) for (const p of s.partial) if (s.feature) partial.set(p.target, [...(partial.get(p.target) ?? []), { feature: s.feature, what: p.what }]);
  if (partial.size > 0) {
    lines.push('  # Some targets cannot fully verify a scheme; they build only with the gap accepted on purpose:', '  # accept:');
    for (const [target, gaps] of [...partial.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      lines.push(`  #   ${target}:`);
      for (const g of uniqueBy(gaps, (x) => x.feature)) lines.push(`  #     - { feature: ${g.feature}, reason: ${JSON.stringify(`accepted: ${g.what}`)} }`);
    }
  }
  return lines;
}

/** Commented `x-gateway` choices for one scheme, at the scheme's child indentation. */
export function schemeLines(s: InitScheme, plan: InitPlan): string[] {
  if (!s.feature) return [`# gwc init: gwc verifies apiKey, http basic, http bearer, oauth2 and openIdConnect schemes; give this one an x-gateway.forwardAuth service.`];
  if (s.configured) return [];
  const out = ['# gwc init: how gateways verify this scheme; uncomment what you use (README "Bring your own spec"):', '# x-gateway:'];
  if (s.feature === 'auth.jwt') {
    const issuer = s.issuer ?? 'https://issuer.example.com/';
    out.push(`#   issuer: ${scalar(issuer)}`, `#   audiences: [${scalar(plan.name)}]`, `#   jwksUri: ${scalar(`${issuer.replace(/\/$/, '')}/.well-known/jwks.json`)}`);
    out.push(`#   publicKeys: [${env(`${s.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_PUBLIC_KEY`)}]   # PEM key(s), for gateways that verify tokens without fetching the JWKS`);
  }
  if (s.feature === 'auth.basic') out.push(`#   realm: ${scalar(plan.name)}`);
  const kinds = new Map(s.fallbacks.map((f) => [f.kind, f.targets]));
  // A JWT issuer that is not a Cognito user pool needs a Lambda authorizer on API Gateway REST.
  if (s.feature === 'auth.jwt' && !kinds.has('lambdaAuthorizer')) kinds.set('lambdaAuthorizer', []);
  for (const [kind, targets] of kinds) {
    const why = targets.length > 0 ? `   # for ${targets.join(', ')}, which cannot verify this scheme itself` : '   # for an AWS target whose issuer is not a Cognito user pool';
    if (kind === 'forwardAuth') out.push(`#   forwardAuth: { url: http://auth.internal:9000/verify }${why}`);
    if (kind === 'lambdaAuthorizer') out.push(`#   lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authorizer', type: token, ttlSeconds: 0 }${why}`);
  }
  return out;
}

/** Above a scheme written on one line: its x-gateway choices need the scheme as a block first. */
export function flowSchemeLine(name: string): string {
  return `# gwc init: ${JSON.stringify(name)} is written on one line; to say how gateways verify it, write it one key per line first, then an x-gateway: under it (README "Bring your own spec")`;
}

/** The reminder on an operation without security: never `public: true` silently. */
export function operationLines(op: UnsecuredOperation): string[] {
  const head = '# gwc init: no security requirement here, so every target refuses to build it: add `security`, or say it is public on purpose:';
  return op.hasXGateway ? [head, '# (add public: true to this operation\'s x-gateway)'] : [head, '# x-gateway: { public: true }'];
}

function uniqueBy<T>(list: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((x) => !seen.has(key(x)) && seen.add(key(x)));
}
