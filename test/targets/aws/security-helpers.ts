/** Small specs for the aws attack tests, built and checked by AWS's own rules (cfn-validate). */
import { expect } from 'vitest';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { buildObject, template, unexplained, validate } from './helpers.js';
import { AwsOracle, type Verify } from './oracle.js';

type Op = Record<string, unknown>;

/** A spec with one backend (on a public host unless told), consumers and the given operations. */
export function spec(paths: Record<string, Record<string, Op>>, extra: { schemes?: Record<string, unknown>; consumers?: Record<string, unknown>; backends?: Record<string, unknown>; policies?: Record<string, unknown> } = {}) {
  const withResponses = Object.fromEntries(
    Object.entries(paths).map(([p, item]) => [p, Object.fromEntries(Object.entries(item).map(([m, op]) => [m, { responses: { '200': { description: 'ok' } }, ...publicUnlessSecured(op) }]))]),
  );
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    servers: [{ url: 'https://api.example.com' }],
    'x-gateway': {
      name: 't',
      backends: extra.backends ?? { app: { url: 'https://app.example.com' } },
      defaults: { backend: Object.keys(extra.backends ?? { app: 1 })[0] },
      ...(extra.policies ? { policies: extra.policies } : {}),
      ...(extra.consumers ? { consumers: extra.consumers } : {}),
    },
    paths: withResponses,
    components: { securitySchemes: extra.schemes ?? { key: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
  };
}

/** An operation without security is public on purpose here (gwc refuses it otherwise: security-undecided). */
function publicUnlessSecured(op: Op): Op {
  const security = op.security as unknown[] | undefined;
  if (security && security.length > 0) return op;
  const x = (op['x-gateway'] ?? {}) as Record<string, unknown>;
  return 'public' in x ? op : { ...op, 'x-gateway': { ...x, public: true } };
}

export interface Built {
  files: Array<{ path: string; contents: string }>;
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
  t?: Record<string, any>;
  oracle?: AwsOracle;
}

/** Builds for aws; a template that is written must pass cfn-validate with nothing unexplained. */
export async function build(s: unknown, options: Record<string, string> = {}, verify?: Verify): Promise<Built> {
  const built = await buildObject(s, options);
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  const file = built.files[0];
  if (!file) return { ...built, errors };
  expect(unexplained(validate(file.contents, 'json'))).toEqual([]);
  const t = template(file.contents);
  return { ...built, errors, t, oracle: new AwsOracle(t, verify) };
}

/** code, params and JSON pointer of each diagnostic with one of the codes. */
export const coded = (ds: Diagnostic[], ...codes: string[]) =>
  ds.filter((d) => codes.includes(String(d.code))).map((d) => ({ code: d.code, params: d.params, pointer: d.loc?.pointer }));
