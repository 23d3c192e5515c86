/**
 * `x-gateway.tls` (the gateway's own certificate and key) to a Kong `certificates` entity with
 * `snis` for the gateway's host names, so Kong presents it on those hosts.
 * https://docs.konghq.com/gateway/latest/admin-api/#certificate-object
 *
 * decK needs the PEM text in the file, and gwc compiles without reading files, so both halves are
 * written like consumer credentials: decK environment templates (secrets.ts) that decK fills in at
 * sync time, never the value. A `${file:...}` certificate or key (what nginx and Traefik read) is
 * refused at the tls node; so is a certificate no host would ever select (Kong picks a certificate
 * by SNI; without one it serves its own default), rather than dropping the section silently.
 */
import type { Ctx, Entity } from './context.js';
import { credentialValue } from './secrets.js';

const ENV_REF = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The hosts a client reaches the gateway on: server URLs, `x-gateway.hosts` and route hosts. */
function gatewayHosts(ctx: Ctx): string[] {
  const g = ctx.gateway;
  const hosts = [...g.servers.map((s) => s.host), ...g.hosts, ...g.routes.flatMap((r) => r.hosts)];
  return [...new Set(hosts.filter((h): h is string => !!h && h !== 'localhost' && !/^[0-9.]+$/.test(h) && !h.includes(':')))].sort();
}

export function certificates(ctx: Ctx): Entity[] {
  const tls = ctx.gateway.tls;
  if (!tls) return [];
  const report = (field: string, value: string) =>
    ctx.report('kong-tls-certificate-source', { field, value }, tls.loc);
  const m = ENV_REF.exec(tls.certificate);
  if (!m) report('certificate', tls.certificate);
  if (tls.key.kind !== 'env') report('key', tls.key.raw);
  const hosts = gatewayHosts(ctx);
  if (hosts.length === 0) ctx.report('kong-tls-no-hosts', {}, tls.loc);
  if (!m || tls.key.kind !== 'env' || hosts.length === 0) return [];
  const cert = credentialValue(ctx, { kind: 'env', name: m[1]!, raw: tls.certificate }, 'TLS certificate', tls.loc);
  const key = credentialValue(ctx, tls.key, 'TLS key', tls.loc);
  if (!cert || !key) return [];
  const tag = ctx.names.tag;
  const name = `${ctx.names.tag}:tls`;
  return [{
    id: ctx.names.id('certificate', name),
    cert,
    key,
    snis: hosts.map((h) => ({ name: h, id: ctx.names.id('sni', h), tags: [tag] })),
    tags: [tag],
  }];
}
