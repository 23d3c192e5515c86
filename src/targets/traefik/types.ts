/**
 * The part of Traefik v3's dynamic configuration gwc writes (pkg/config/dynamic in
 * traefik/traefik); `emitted.schema.json` is the same shape as JSON Schema.
 */
export interface Router {
  entryPoints?: string[];
  rule: string;
  priority: number;
  middlewares?: string[];
  service: string;
  tls?: { options: string };
}

export interface Server {
  url: string;
  weight?: number;
  preservePath?: boolean;
}

export interface LoadBalancer {
  servers: Server[];
  passHostHeader: boolean;
  healthCheck?: { path: string; interval: string; timeout: string };
  serversTransport?: string;
}

export type Service = { loadBalancer: LoadBalancer } | { weighted: { services: Array<{ name: string; weight: number }> } };

export interface SourceCriterion {
  ipStrategy?: { depth: number; ipv6Subnet?: number };
  requestHeaderName?: string;
}

export type Middleware =
  | { basicAuth: { usersFile: string; realm: string; removeHeader: boolean; headerField: string } }
  | {
      forwardAuth: {
        address: string;
        trustForwardHeader: boolean;
        authRequestHeaders?: string[];
        authResponseHeaders?: string[];
      };
    }
  | { rateLimit: { average: number; period: string; burst: number; sourceCriterion: SourceCriterion } }
  | { ipAllowList: { sourceRange: string[]; ipStrategy?: { depth: number }; rejectStatusCode?: number } }
  | { buffering: { maxRequestBodyBytes: number } }
  | { headers: HeadersMiddleware }
  | { redirectRegex: { regex: string; replacement: string; permanent: boolean } }
  | { replacePathRegex: { regex: string; replacement: string } }
  | { retry: { attempts: number } };

export interface HeadersMiddleware {
  customRequestHeaders?: Record<string, string>;
  customResponseHeaders?: Record<string, string>;
  accessControlAllowOriginList?: string[];
  accessControlAllowMethods?: string[];
  accessControlAllowHeaders?: string[];
  accessControlExposeHeaders?: string[];
  accessControlAllowCredentials?: boolean;
  accessControlMaxAge?: number;
  addVaryHeader?: boolean;
}

export interface ServersTransport {
  serverName?: string;
  insecureSkipVerify?: boolean;
  rootCAs?: string[];
  maxIdleConnsPerHost?: number;
  forwardingTimeouts?: { dialTimeout?: string; responseHeaderTimeout?: string };
}

export interface TraefikConfig {
  http: {
    routers: Record<string, Router>;
    services?: Record<string, Service>;
    middlewares?: Record<string, Middleware>;
    serversTransports?: Record<string, ServersTransport>;
  };
  tls?: { certificates: Array<{ certFile: string; keyFile: string }> };
}

/** What a router is for: the tests hold each one against the reference matcher. */
export interface RouterRole {
  kind: 'operation' | 'preflight' | 'method-not-allowed';
  /** operation and preflight: the route; method-not-allowed: the first route of the path. */
  routeId: string;
  /** operation routers: the security alternative (index into route.security) it enforces, if any. */
  alternative?: number;
}
