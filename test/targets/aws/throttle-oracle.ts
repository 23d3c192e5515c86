/**
 * API Gateway's request throttling on top of the request oracle (oracle.ts), read from the
 * template only: a stage method setting's ThrottlingBurstLimit is ONE token bucket for every
 * caller of that method, a usage plan's per-method Throttle (`/path/METHOD`) is a bucket per API
 * key; a request needs a token from each bucket that applies. Buckets are modelled at one instant
 * (no refill): a bucket of N admits N requests, the next gets 429.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
 */
import type { AwsOracle, Decision, Request } from './oracle.js';

type J = Record<string, any>;

export class ThrottleOracle {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly oracle: AwsOracle,
    private readonly template: J,
  ) {}

  /** The usage plans' per-method throttle keys, each with whether the Body has that method. */
  planThrottleKeys(): Array<{ key: string; exists: boolean }> {
    const paths = this.template.Resources.RestApi.Properties.Body.paths as J;
    return Object.values<J>(this.template.Resources)
      .filter((r) => r.Type === 'AWS::ApiGateway::UsagePlan')
      .flatMap((r) => (r.Properties.ApiStages ?? []).flatMap((s: J) => Object.keys(s.Throttle ?? {})))
      .map((key) => {
        const m = /^(.*)\/([A-Z]+)$/.exec(key);
        return { key, exists: !!m && !!paths[m[1]!]?.[m[2]!.toLowerCase()] };
      });
  }

  request(req: Request): Decision {
    const d = this.oracle.request(req);
    if (d.status >= 400 || !d.resource) return d;
    const [method, path] = d.resource.split(' ') as [string, string];
    const buckets: Array<[string, number]> = [];
    const settings: J[] = this.template.Resources.Stage?.Properties.MethodSettings ?? [];
    const at = path === '/' ? '/' : `/${path.replace(/\//g, '~1')}`;
    const s = settings.find((x) => x.ResourcePath === at && x.HttpMethod === method && x.ThrottlingBurstLimit !== undefined)
      ?? settings.find((x) => x.ResourcePath === '/*' && x.HttpMethod === '*' && x.ThrottlingBurstLimit !== undefined);
    if (s) buckets.push([`stage ${method} ${path}`, s.ThrottlingBurstLimit]);
    const key = Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === 'x-api-key')?.[1];
    if (key) {
      for (const r of Object.values<J>(this.template.Resources)) {
        if (r.Type !== 'AWS::ApiGateway::UsagePlan') continue;
        for (const st of r.Properties.ApiStages ?? []) {
          const t = st.Throttle?.[`${path}/${method}`];
          if (t) buckets.push([`key ${key} ${method} ${path}`, t.BurstLimit]);
        }
      }
    }
    if (buckets.some(([b, cap]) => (this.used.get(b) ?? 0) >= cap)) return { ...d, status: 429, why: 'throttled' };
    for (const [b] of buckets) this.used.set(b, (this.used.get(b) ?? 0) + 1);
    return d;
  }
}
