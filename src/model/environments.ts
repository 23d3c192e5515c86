import { compareText } from '../diagnostics/collate.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import type { Located } from '../spec/loaded-spec.js';
import { isObj, overlay, Walker } from './normalise/node.js';

/**
 * The names under `x-gateway.environments` (each a `gwc build --env NAME`), sorted: the order in
 * which lint and `gwc diff --base` speak for each environment when no `--env` is given.
 */
export function environmentNames(spec: LoadedSpec): string[] {
  const w = new Walker(spec);
  const envs = w.child(w.child(spec.root, 'x-gateway'), 'environments');
  return isObj(envs.value) ? Object.keys(envs.value).sort(compareText) : [];
}

/** `d` as `gwc build --env env` reports it: same code and place, the environment named (params and text). */
export function inEnvironment(d: Diagnostic, env: string): Diagnostic {
  return { ...d, params: { ...d.params, environment: env }, message: `${d.message} (environment ${env}: gwc build --env ${env})` };
}

/**
 * The root x-gateway object as `gwc build --env env` reads it: the overlay merged in (servers
 * aside: they are the document's), each key located where its value is written. Undefined for an
 * environment the spec does not define.
 */
export function overlaidRoot(spec: LoadedSpec, env: string): { walker: Walker; node: Located } | undefined {
  const w = new Walker(spec);
  const x = w.child(spec.root, 'x-gateway');
  const e = w.child(w.child(x, 'environments'), env);
  if (!isObj(x.value) || !isObj(e.value)) return undefined;
  const { servers: _servers, ...rest } = e.value;
  return { walker: w, node: overlay(w, x, { value: rest, loc: e.loc }) };
}
