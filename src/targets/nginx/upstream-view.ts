/** What the nginx compiler knows of one backend's `upstream` block, built by backends.ts and cached on the Ctx. */

/** How nginx talks TLS to a backend (or a forward-auth service). */
export interface TlsView {
  verify: boolean;
  serverName: string;
  trusted: string;
}

export interface UpstreamView {
  name: string;
  scheme: 'http' | 'https';
  /** The backend URL's path, prepended to every upstream path ('' for none). */
  basePath: string;
  servers: Array<{ address: string; weight: number; maxFails?: number; failTimeout?: string }>;
  keepalive: number;
  /** Host header sent upstream: the backend's own host (with port when not the default), or the client's. */
  host: string | { client: true };
  tls?: TlsView;
  connectTimeout?: string;
  timeout?: string;
  retries?: number;
}
