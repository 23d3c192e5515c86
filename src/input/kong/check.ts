/**
 * Typed reads of x-kong fields. A field that is present but of the wrong type or out of range is
 * `kong-extension-unmapped` at its own line: never a default, because a default in Kong's place
 * (an empty allow list, a 128 MB body limit, `*` origins) can open what the author meant to close.
 * x-kong values do not pass the x-gateway schema, so the ranges here are that schema's.
 */
import { diag } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import { HTTP_METHODS } from '../../model/types.js';
import type { KongInput } from './types.js';
import { hasControl, isHost } from '../../model/normalise/units.js';
import { isObj } from '../../model/normalise/node.js';

/** As the x-gateway schema's cidrList and headerName. */
const CIDR = /^[0-9a-fA-F:.]+(\/[0-9]{1,3})?$/;
const HEADER = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export interface Reader {
  /** True once any field was refused: the caller then applies nothing. */
  readonly failed: boolean;
  bad(field: string, detail: string): void;
  int(field: string, min: number, max: number): number | undefined;
  num(field: string, min: number, max: number): number | undefined;
  bool(field: string): boolean | undefined;
  str(field: string, what?: 'host' | 'header' | 'path' | 'text'): string | undefined;
  strs(field: string, what?: 'cidr' | 'header' | 'method' | 'text'): string[] | undefined;
}

/** Reads fields of `node` (an x-kong object); `prefix` names them in diagnostics (`ext.config`). */
export function reader(ctx: KongInput, node: Located, prefix: string): Reader {
  const v = isObj(node.value) ? node.value : {};
  let failed = false;
  const bad = (field: string, detail: string): undefined => {
    failed = true;
    ctx.report(diag('kong-extension-unmapped', { extension: `${prefix}.${field}`, detail }, ctx.w.child(node, field).loc));
    return undefined;
  };
  const number = (field: string, min: number, max: number, integer: boolean) => {
    const x = v[field];
    if (x === undefined) return undefined;
    if (typeof x !== 'number' || !Number.isFinite(x) || (integer && !Number.isInteger(x)) || x < min || x > max) {
      bad(field, `${JSON.stringify(x)} is not ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
      return undefined;
    }
    return x;
  };
  const ok = (s: string, what: string) =>
    what === 'host' ? isHost(s) : what === 'header' ? HEADER.test(s) : what === 'cidr' ? CIDR.test(s) : what === 'method' ? (HTTP_METHODS as readonly string[]).includes(s) : what === 'path' ? s.startsWith('/') && !hasControl(s) : !hasControl(s);
  return {
    get failed() {
      return failed;
    },
    bad,
    int: (f, min, max) => number(f, min, max, true),
    num: (f, min, max) => number(f, min, max, false),
    bool(f) {
      const x = v[f];
      if (x === undefined || typeof x === 'boolean') return x;
      return bad(f, `${JSON.stringify(x)} is not true or false`);
    },
    str(f, what = 'text') {
      const x = v[f];
      if (x === undefined) return undefined;
      if (typeof x === 'string' && x !== '' && ok(x, what)) return x;
      return bad(f, `${JSON.stringify(x)} is not a valid ${what === 'text' ? 'string' : what}`);
    },
    strs(f, what = 'text') {
      const x = v[f];
      if (x === undefined) return undefined;
      if (!Array.isArray(x)) return bad(f, `${JSON.stringify(x)} is not a list`);
      const wrong = x.find((i) => typeof i !== 'string' || !ok(i, what));
      if (wrong !== undefined) return bad(f, `${JSON.stringify(wrong)} is not a valid ${what === 'text' ? 'string' : what}`);
      return x as string[];
    },
  };
}
