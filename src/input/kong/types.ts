/** What the x-kong-* readers (src/input/kong/) share: their context, an operation's levels, names. */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import type { Gateway, Route } from '../../model/types.js';
import type { Walker } from '../../model/normalise/node.js';

export interface KongInput {
  w: Walker;
  gateway: Gateway;
  out: Diagnostic[];
  /** Reports each (code, place, detail) once, however many routes inherit the node. */
  report(d: Diagnostic): void;
}

/** An operation's route with its document, path-item and operation nodes (nearest level wins). */
export interface OpLevels {
  route: Route;
  doc: Located;
  path: Located;
  op: Located;
}

/** A Kong-style name: lower case, runs of other characters as one '-', at most 63 characters. */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
}
