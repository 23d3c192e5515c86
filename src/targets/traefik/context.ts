/**
 * State shared by the traefik compiler's parts while one gateway compiles: the shared base
 * (model, plan, options, coded diagnostics: src/targets/base-context.ts) plus Traefik's routers,
 * middlewares, their unique names and the version gating of fields.
 */
import type { Gateway } from '../../model/types.js';
import { TargetContext } from '../base-context.js';
import type { CapabilityPlan } from '../capability-check.js';
import { mayFind } from './emit.js';
import { Namer, sanitise } from './names.js';
import { unsafeText } from './rule.js';
import type { TraefikOptions } from './options.js';
import type { Middleware, RouterRole, ServersTransport, Service, Router } from './types.js';
import { BASE_VERSION, GATED_FIELDS, maxVersion, versionAtLeast, type GatedField, type TraefikVersion } from './version.js';

/** A lean compile's stand-in for a router or middleware: nothing in it configChecks reports. */
const LEAN_STUB = Object.freeze({ rule: '', service: '' });

export class Ctx extends TargetContext<TraefikOptions> {
  readonly routers = new Map<string, Router>();
  readonly roles = new Map<string, RouterRole>();
  readonly services = new Map<string, Service>();
  readonly middlewares = new Map<string, Middleware>();
  readonly transports = new Map<string, ServersTransport>();
  readonly routerNames: Namer;
  readonly serviceNames: Namer;
  readonly middlewareNames: Namer;
  readonly transportNames: Namer;
  /** Files the operator provides (htpasswd), one per basic-auth scheme. */
  readonly fileNames: Namer;
  /** basicAuth middlewares, the scheme whose users they read, and the role sets (OR) one of which each listed user's consumer holds. */
  readonly htpasswd: Array<{ middleware: string; scheme: string; file: string; roleSets: string[][] }> = [];
  /** The oldest line the fields emitted so far load on. */
  needed: TraefikVersion = BASE_VERSION;
  readonly prefix: string;

  constructor(gateway: Gateway, plan: CapabilityPlan, options: TraefikOptions) {
    super('traefik', gateway, plan, options);
    this.prefix = sanitise(gateway.name);
    this.routerNames = new Namer(this.prefix);
    this.serviceNames = new Namer(this.prefix);
    this.middlewareNames = new Namer(this.prefix);
    this.transportNames = new Namer(this.prefix);
    this.fileNames = new Namer(this.prefix);
  }

  /**
   * May `field` be emitted? With an explicit --traefik-version, only when that line has it;
   * with auto, always, raising the line the output needs.
   */
  allows(field: GatedField): boolean {
    const min = GATED_FIELDS[field];
    if (this.options.version) return versionAtLeast(this.options.version, min);
    this.needed = maxVersion(this.needed, min);
    return true;
  }

  /** The line the output is for: the one asked for, or the oldest the emitted fields need. */
  get version(): TraefikVersion {
    return this.options.version ?? this.needed;
  }

  /**
   * A lean compile (lint's findingsOnly, #18): each router and middleware is checked as it is made
   * for what configChecks would report (emit.ts mayFind) and only a stub of it is kept, so the
   * configuration of 10,000 routes is not held; `suspect` when one may hold a finding, and then
   * the compile runs again in full (index.ts), so the findings are exactly a full compile's.
   */
  lean = false;
  suspect = false;

  /** What a lean compile keeps of `entity`, named `name`: LEAN_STUB once checked; anything else keeps it. */
  keep<T>(name: string, entity: T): T {
    if (!this.lean) return entity;
    if (unsafeText(name) || mayFind(entity)) this.suspect = true;
    return LEAN_STUB as T;
  }

  addMiddleware(parts: string[], mw: Middleware): string {
    const name = this.middlewareNames.name(...parts);
    this.middlewares.set(name, this.keep(name, mw));
    return name;
  }
}
