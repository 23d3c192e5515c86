/**
 * Policy unit `validate` (issue #19; the unit contract is ./unit.ts): the gateway checks each
 * request against the operation's own OpenAPI before the backend sees it: required and typed
 * path, query, header and cookie parameters (`parameters`), and an `application/json` body against
 * its schema (`body`). A wrong request is answered 400 with an RFC 9457 problem body naming the
 * failing field. Feature `validation`, classed as traffic: a target that cannot enforce it refuses
 * the build unless the gap is accepted (DESIGN.md section 4).
 *
 * Levels merge flag by flag, farthest first (root `defaults`, path item, operation): `true` turns
 * both flags on, `false` both off, an object sets the flags it names and keeps the others.
 */
import type { Loc } from '../../diagnostics/diagnostic.js';
import type { LoadedSpec } from '../../spec/loaded-spec.js';
import { getAt, splitPointer } from '../../spec/pointer.js';
import { isObj } from '../normalise/node.js';
import type { Route } from '../types.js';
import { requestShape } from './request-schema.js';
import { POLICY_FEATURE } from './ids.js';
import type { RoutePolicyUnit } from './unit.js';

const flag = (what: string) => ({ type: 'boolean', description: what });

export const validatePolicy = {
  id: 'validate',
  kind: 'route',
  key: 'validate',
  feature: POLICY_FEATURE.validate,
  schema: {
    description:
      "Validate requests against the operation's OpenAPI parameters and application/json body schema before the backend sees them; a wrong request gets 400 with a problem+json body naming the field. true: both, false: neither (switches an inherited setting off); an object sets the flags it names.",
    anyOf: [
      { type: 'boolean' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          body: flag("Check an application/json request body against the operation's requestBody schema (and that a required body is present)."),
          parameters: flag('Check the path, query, header and cookie parameters the operation and its path item declare: required, type, format, enum, pattern, limits.'),
        },
      },
    ],
  },
  keys: ['validate', 'validate.body', 'validate.parameters'] as const,

  normalise(route, { w, levels, item, op }) {
    let body = false;
    let parameters = false;
    let loc: Loc | undefined;
    for (const level of levels) {
      if (!isObj(level.value) || level.value.validate === undefined) continue;
      const node = w.child(level, 'validate');
      const v = node.value;
      if (typeof v === 'boolean') body = parameters = v;
      else if (isObj(v)) {
        if (typeof v.body === 'boolean') body = v.body;
        if (typeof v.parameters === 'boolean') parameters = v.parameters;
      }
      loc = node.loc;
    }
    if (!loc || (!body && !parameters)) return;
    route.validate = { body, parameters, loc };
    route.request = requestShape(w, item, op);
  },

  use: (route) => route.validate?.loc,

  hint: {
    rule: 'request-body-unvalidated',
    /** Routes whose operation declares a request body that nothing validates. */
    find(spec: LoadedSpec, routes: readonly Route[]) {
      const found: Array<{ route: Route; loc: Loc }> = [];
      for (const route of routes) {
        if (route.validate?.body) continue;
        const node = requestBodyOf(spec, route.loc);
        if (node) found.push({ route, loc: node });
      }
      return found;
    },
  },
} satisfies RoutePolicyUnit<'validate'>;

/** The `requestBody` of the operation at `opLoc`, located, when it has one. */
function requestBodyOf(spec: LoadedSpec, opLoc: Loc): Loc | undefined {
  const file = spec.files.get(opLoc.file);
  if (!file) return undefined;
  const op = getAt(file.data, splitPointer(opLoc.pointer));
  if (!op.found || !isObj(op.value) || op.value.requestBody === undefined) return undefined;
  return { file: opLoc.file, pointer: `${opLoc.pointer}/requestBody` };
}
