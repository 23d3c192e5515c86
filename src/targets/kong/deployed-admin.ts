/**
 * Reads a running Kong's state through its Admin API and puts it in decK's shape, so the same
 * normaliser reads it as reads a `deck dump` file. Lists are paged: each answer is
 * `{ data: [...], next: "/services?offset=..." | null }`
 * (https://docs.konghq.com/gateway/latest/admin-api/#pagination).
 */
import { isObject, toJson, type JsonObject } from '../../diff/json-util.js';

export class AdminApiError extends Error {}

/** Far more than any gateway holds; a guard against a server that pages forever. */
const MAX_PAGES = 10_000;

interface Client {
  base: URL;
  headers: Record<string, string>;
  fetch: typeof fetch;
}

/** `next` is a path from the Admin API's root; keep a path prefix the base URL has (a proxy in front). */
function resolveNext(base: URL, next: string): URL {
  const prefix = base.pathname.replace(/\/+$/, '');
  if (next.startsWith('/') && prefix && !next.startsWith(`${prefix}/`)) return new URL(`${prefix}${next}`, base);
  return new URL(next, base);
}

async function all(client: Client, path: string, optional = false): Promise<JsonObject[]> {
  const out: JsonObject[] = [];
  const seen = new Set<string>();
  let url: URL | undefined = resolveNext(client.base, path);
  for (let page = 0; url; page++) {
    if (page >= MAX_PAGES || seen.has(url.href)) throw new AdminApiError(`${path}: paging does not end (next repeats ${url.href})`);
    seen.add(url.href);
    let res: Response;
    try {
      res = await client.fetch(url, { headers: client.headers });
    } catch (e) {
      throw new AdminApiError(`${url.href}: ${e instanceof Error ? e.message : String(e)}`);
    }
    // Credential endpoints exist only when their plugin is bundled; absent means none.
    if (res.status === 404 && optional) return [];
    if (res.status === 401 || res.status === 403) throw new AdminApiError(`${url.href}: HTTP ${res.status} (give the Admin API token with --option kong.token=TOKEN, or GWC_ADMIN_TOKEN)`);
    if (!res.ok) throw new AdminApiError(`${url.href}: HTTP ${res.status}`);
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new AdminApiError(`${url.href}: the answer is not JSON`);
    }
    if (!isObject(body) || !Array.isArray(body.data)) throw new AdminApiError(`${url.href}: the answer has no "data" list; is this a Kong Admin API?`);
    for (const item of body.data) if (isObject(item)) out.push(item);
    url = typeof body.next === 'string' && body.next !== '' ? resolveNext(client.base, body.next) : undefined;
  }
  return out;
}

const idOf = (v: unknown): string | undefined => (isObject(v) && typeof v.id === 'string' ? v.id : undefined);

/** The Admin API's flat lists into a decK document: routes in services, plugins in their parent. */
export async function readAdminApi(url: string, options: { token?: string; fetch?: typeof fetch }): Promise<JsonObject> {
  const base = new URL(url.endsWith('/') ? url : `${url}/`);
  const client: Client = {
    base,
    headers: { accept: 'application/json', ...(options.token ? { 'Kong-Admin-Token': options.token } : {}) },
    fetch: options.fetch ?? fetch,
  };
  const [services, routes, plugins, upstreams, consumers, keyAuths, basicAuths, jwts, acls] = await Promise.all([
    all(client, '/services'),
    all(client, '/routes'),
    all(client, '/plugins'),
    all(client, '/upstreams'),
    all(client, '/consumers'),
    all(client, '/key-auths', true),
    all(client, '/basic-auths', true),
    all(client, '/jwts', true),
    all(client, '/acls', true),
  ]);
  const targets = new Map<string, JsonObject[]>();
  for (const u of upstreams) targets.set(String(u.id), await all(client, `/upstreams/${encodeURIComponent(String(u.id))}/targets`));
  const byId = <T extends JsonObject>(list: T[]) => new Map(list.map((x) => [String(x.id), { ...x }]));
  const svc = byId(services);
  const rts = byId(routes);
  const cons = byId(consumers);
  const push = (o: JsonObject, key: string, v: JsonObject) => {
    const arr = Array.isArray(o[key]) ? (o[key] as JsonObject[]) : [];
    arr.push(v);
    o[key] = arr;
  };
  const global: JsonObject[] = [];
  for (const p of plugins) {
    const route = idOf(p.route);
    const service = idOf(p.service);
    const consumer = idOf(p.consumer);
    const parent = (route && rts.get(route)) || (service && svc.get(service)) || (consumer && !route && !service ? cons.get(consumer) : undefined);
    if (parent) push(parent, 'plugins', { ...p, ...(parent === cons.get(consumer ?? '') ? { consumer: null } : {}) });
    else global.push(p);
  }
  const topRoutes: JsonObject[] = [];
  for (const r of rts.values()) {
    const s = idOf(r.service);
    const parent = s ? svc.get(s) : undefined;
    if (parent) push(parent, 'routes', { ...r, service: null });
    else topRoutes.push(r);
  }
  const creds: Array<[JsonObject[], string]> = [[keyAuths, 'keyauth_credentials'], [basicAuths, 'basicauth_credentials'], [jwts, 'jwt_secrets'], [acls, 'acls']];
  for (const [items, key] of creds) {
    for (const c of items) {
      const owner = cons.get(idOf(c.consumer) ?? '');
      if (owner) push(owner, key, { ...c, consumer: null });
    }
  }
  return toJson({
    _format_version: '3.0',
    services: [...svc.values()],
    routes: topRoutes,
    plugins: global,
    consumers: [...cons.values()],
    upstreams: upstreams.map((u) => ({ ...u, targets: targets.get(String(u.id)) ?? [] })),
  }) as JsonObject;
}
