/**
 * `gwc diff --target aws --option aws.api=http` reads a deployed HTTP API template (a template
 * file or `aws cloudformation get-template` output): the same build is no change, and a spec
 * that weakens a route (its authorizer removed, a scope removed, an audience widened, a throttle
 * raised) is flagged as a security change on that route.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../../../src/api.js';
import { diffDeployed } from '../../../../src/diff/run.js';

const FIXTURE = path.resolve(__dirname, '../../../../fixtures/oidc/gateway.yaml');
const dir = mkdtempSync(path.join(tmpdir(), 'gwc-http-diff-'));
const OPTIONS = { api: 'http' };

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('aws api=http: gwc diff', async () => {
  const built = await buildTarget(FIXTURE, { target: 'aws', options: OPTIONS });
  const deployed = write('deployed.json', JSON.stringify({ TemplateBody: built.files[0]!.contents }));
  const source = readFileSync(FIXTURE, 'utf8');
  const diff = (text: string) => diffDeployed(write(`spec-${Math.random().toString(36).slice(2)}.yaml`, text), { target: 'aws', deployed, options: OPTIONS });

  it('the same build (get-template output) is no change', async () => {
    const r = await diffDeployed(FIXTURE, { target: 'aws', deployed, options: OPTIONS });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan?.changes).toEqual([]);
  });

  it.each([
    ['authorizer removed (the route made public)', "security: [{ oidc: [read:bookings] }]\n      responses: { '200': { description: bookings } }", "security: []\n      x-gateway: { public: true }\n      responses: { '200': { description: bookings } }", 'RouteListBookings'],
    ['scope removed', 'operationId: createBooking\n      security: [{ oidc: [write:bookings] }]', 'operationId: createBooking\n      security: [{ oidc: [] }]', 'RouteCreateBooking'],
    ['a scope alternative added', '[{ oidc: [admin:bookings] }, { oidc: [delete:bookings] }]', '[{ oidc: [admin:bookings] }, { oidc: [delete:bookings] }, { oidc: [read:bookings] }]', 'RouteDeleteBooking'],
  ])('%s is a security finding on that route', async (_name, from, to, route) => {
    expect(source).toContain(from);
    const r = await diff(source.replace(from, to));
    const security = (r.plan?.findings ?? []).filter((f) => f.class === 'security' && f.key === route);
    expect(security, JSON.stringify(r.plan?.findings.map((f) => [f.class, f.key, f.rule]))).not.toEqual([]);
  });

  it('a wider audience is a security finding', async () => {
    const r = await diff(source.replace('audiences: [bookings-api]', 'audiences: [bookings-api, other-app]'));
    expect((r.plan?.findings ?? []).filter((f) => f.class === 'security').map((f) => f.key)).toContain('RouteListBookings');
  });

  it('a raised throttle is a security finding', async () => {
    const r = await diff(source.replace('requests: 50, per: second, burst: 20', 'requests: 500, per: second, burst: 20'));
    expect((r.plan?.findings ?? []).filter((f) => f.class === 'security').map((f) => f.rule)).toContain('rate-limit-raised');
  });
});
