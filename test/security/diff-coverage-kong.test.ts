/**
 * `gwc diff` coverage for kong (DESIGN.md 7.8): every setting gwc writes, weakened, is a security
 * finding one way and a finding the other. The check itself: ./helpers/diff-coverage.ts.
 */
import { describe, expect, it } from 'vitest';
import { compiledState, diffDeployed } from '../../src/diff/run.js';
import { diffStates, type Plan } from '../../src/diff/plan.js';
import { ANSWER_ONLY, build, deployed, describeCoverage, NAMES, NOT_A_VALUE, NOT_ACCESS, once, richSpec, type Allowed, type KnownGap } from './helpers/diff-coverage.js';
import { writeSpec } from '../helpers/spec.js';

const ORDER = 'the order among routes answering one path: src/diff/precedence.ts compares which route takes each sampled request and reports a change of taker (test/security/redteam-diff-precedence.test.ts attacks it per target); in this build no two routes of different operations answer one path, so the number decides nothing';

/** Mutations that do not weaken access control, each with its reason. */
const ALLOWED: readonly Allowed[] = [
  [/regex_priority$/, /./, ORDER],
  [/^routes(\[\*\](?!\.plugins\[cors\]\.config\.(origins|methods|headers|credentials|exposed_headers|preflight_continue)))?$|^routes\[\*\]\.(?!plugins\[cors\]\.config\.(origins|methods|headers|credentials|exposed_headers|preflight_continue))/, /./, ANSWER_ONLY],
  [/^services\[\*\](\.routes(\[\*\])?)?$/, /remove/, 'a route removed answers 404, or a remaining route answers its path (fallThrough compares it)'],
  [/\.(protocol|path_handling|size_unit|policy)$/, /change/, NOT_A_VALUE],
  [/cors\]\.config\.(max_age|private_network)$/, /./, NOT_ACCESS],
  [/acl\]\.config\.hide_groups_header$/, /./, 'the groups header Kong sets itself: the backend sees the verified groups or none, never a client\'s'],
  [/\.config\.(status|hide_client_headers|cache_control)$/, /./, NOT_ACCESS],
  [/key-auth\]\.config\.run_on_preflight$/, /./, "OPTIONS is answered by gwc's preflight route, never by this route's backend"],
  [/request-size-limiting\]\.config\.require_content_length$/, /./, 'true refuses bodies without Content-Length: stricter'],
  [/^services\[\*\]\.path$|^services\[\*\]\.routes\[\*\]\.strip_path$/, /./, "every gwc route rewrites with request-transformer replace.uri, which sets the whole upstream path (kong.service.request.set_path): the service path and strip_path do not reach it (read when there is no rewrite)"],
  [/^plugins\[request-termination\]\.config$/, /remove/, "Kong's defaults still terminate (503 instead of 401): the anonymous consumer is refused either way"],
  [/^consumers\[\*\]\.acls\[\*\](\.group)?$/, /./, "a consumer's derived roles-set group (names.ts rolesGroup): without it that consumer is refused where the roles are asked", /\.roles:/],
  [/(^|\.)name$/, /remove|change/, NAMES],
  [/protocols$/, /widen/, NOT_A_VALUE],
  [/\.(methods|paths)$/, /widen/, NOT_A_VALUE],
  [/plugins\[[a-z-]+\]\.protocols$/, /drop/, 'one http-subsystem protocol left: Kong runs the plugin on every HTTP request (deployed-normalise.ts acts, plugins_iterator.lua)'],
  [/\.(methods|paths)$/, /drop/, 'a route answers fewer methods or paths: callers refused (route-moved), never let in'],
  [/request-transformer\]\.config\.(add|append|rename|replace)\./, /widen/, NOT_A_VALUE],
  [/proxy-cache\]\.config\.(response_code|content_type|cache_ttl|storage_ttl|strategy)$/, /./, NOT_ACCESS],
  [/proxy-cache\]\.config\.request_method$/, /widen/, NOT_A_VALUE],
  [/\.(connect_timeout|read_timeout|write_timeout|retries|https_redirect_status_code|request_buffering|response_buffering)$/, /./, NOT_ACCESS],
  [/\.(status_code|message|error_code|error_message)$/, /./, NOT_ACCESS],
  [/key-auth\]\.config\.key_names$/, /empty|remove/, 'no key name, or decK\'s default `apikey`: gwc\'s key name no longer carries the key (callers refused); `apikey` itself is read as a name added'],
];

/**
 * Holes the suite finds that are not fixed (it.fails): [target, sig, mutation, mechanism]. None:
 * route precedence (`regex_priority`) is read since src/diff/precedence.ts.
 */
const KNOWN_GAPS: readonly KnownGap[] = [];


describeCoverage('kong', ALLOWED, KNOWN_GAPS);

// ---- drift: the deployed copy loosened by hand while the spec did not change -------------------

/**
 * What `gwc diff --deployed` says of a gateway loosened outside gwc (DESIGN.md 7.8, src/diff/README.md
 * "Drift"): the release puts the setting back, a `tightened` finding (breaking: a caller relying on
 * the loosened setting may fail) naming the security rule it undoes, and no security finding, so
 * `--fail-on security` never blocks the release that repairs it. A release whose spec adopts the
 * loosened setting changes nothing on the gateway: `--deployed` shows no change there, and the
 * weakening is the spec's, shown by `--base` (both sides compiled) as a security finding.
 */
describe('gwc diff --deployed: drift, the deployed gateway weaker than the unchanged spec', () => {
  const spec = (t: 'kong' | 'nginx' | 'traefik') => writeSpec(richSpec(t));
  const findings = (p: Plan | undefined) => (p?.findings ?? []).map((f) => `${f.class} ${f.rule}${f.undoes ? ` undoes ${f.undoes}` : ''} ${f.key}`);

  it('kong: hide_credentials turned off by hand: the release tightens it (tightened, undoes credentials-forwarded)', async () => {
    const file = spec('kong');
    const { files } = await build('kong');
    const where = deployed('kong', files, (f) => once(f.contents, /(name: "cov\.getkeys"[\s\S]*?hide_credentials: )true/, '$1false'));
    const r = await diffDeployed(file, { target: 'kong', deployed: where });
    expect(findings(r.plan)).toContain('breaking tightened undoes credentials-forwarded cov.getkeys');
    expect(findings(r.plan).filter((f) => f.startsWith('security'))).toEqual([]);
  });

  it('kong: a release whose spec adopts the loosened setting: no change against the deployed gateway; --base (both compiled) shows the spec weakening it', async () => {
    const loosened = richSpec('kong').replace('x-api-key, x-gateway: { hideCredentials: true', 'x-api-key, x-gateway: { hideCredentials: false');
    // The deployed gateway was loosened by hand exactly as the new spec now says.
    const next = await compiledState(writeSpec(loosened), 'kong', {});
    const where = deployed('kong', next.state!.files!, (f) => f.contents);
    const r = await diffDeployed(writeSpec(loosened), { target: 'kong', deployed: where });
    expect(r.plan?.findings).toEqual([]);
    const base = await compiledState(spec('kong'), 'kong', {});
    expect(findings(diffStates(base.state!, next.state!))).toContain('security credentials-forwarded cov.getkeys');
  });
});
