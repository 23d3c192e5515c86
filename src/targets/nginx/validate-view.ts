/** What the nginx compiler keeps of a validated route (validate.ts), shared with routes.ts without an import cycle. */
import type { RequestParam } from '../../model/types.js';

/** A route's validate location and its njs configuration (njs/validate.js ValidateCfg). */
export interface ValidateView {
  uri: string;
  buffer: string;
  /** For njs/validate.js (CFG.routes[index]); `next` is filled once the route's other locations are known. */
  njs: { next: string; overrides?: boolean; token?: boolean; keys?: string[]; jsonKeys?: string[]; params: ParamCfg[]; body?: BodyCfg };
}

export interface ParamCfg {
  in: RequestParam['in'];
  name: string;
  index?: number;
  required: boolean;
  array?: boolean;
  explode?: boolean;
  type: string | null;
  fn: string | null;
}

export interface BodyCfg {
  required: boolean;
  types: string[];
  json: string | null;
  fn: string | null;
}

