/**
 * The parts `Facts` (entity.ts) is made of: what a guard keeps from the backend, the TLS towards
 * clients and backends, and one authentication mechanism as the gateway applies it. Nothing here
 * knows a target.
 */
/**
 * What a guard keeps from the backend: `credential`, a credential the gateway did not verify (another
 * spelling of a key, a kept credential another alternative's plugin did not verify, a token in a
 * form body); `method`, a method override (`_method`) that makes the backend run another operation
 * than the one authorised; `header`, a request header spelt so the gateway's clears miss it.
 */
export type GuardKind = 'credential' | 'method' | 'header';
export type Guards = Partial<Record<GuardKind, string[]>>;

/**
 * The TLS a route answers clients with, as the gateway applies it (Traefik: the router's TLS
 * options set, read from its contents). `minVersion` as a number (1.2 for TLS 1.2; 0 for a value
 * the reader cannot read); `cipherSuites`/`curves` absent: the gateway's defaults; `unread`: the
 * options are named but their contents are not in the deployed state (another file or provider),
 * so only the name compares.
 */
export interface ClientTls {
  minVersion?: number;
  cipherSuites?: string[];
  curves?: string[];
  sniStrict?: boolean;
  unread?: string;
}

export interface BackendTls {
  tls: boolean;
  verify: boolean;
  /** Only when `verify` is true: with verification off no trust root is consulted. */
  ca?: string;
  /** The TLS server name (SNI) and the name the certificate is checked for, when set explicitly. */
  serverName?: string;
}

/**
 * One authentication mechanism as the gateway applies it. Fields absent when the target has no
 * such setting or the reader cannot tell; rules compare a field only when both sides have it.
 */
export interface Mechanism {
  /** `apiKey`, `basic`, `jwt`, `forward`, `lambda`, `oauth2`, or the reader's words. */
  kind: string;
  /** API key: where the client sends it (`header`, `query`, `cookie`); several when the gateway accepts several. */
  in?: string[];
  /**
   * The names the credential is read under (header, query or body parameter names): one added is
   * another carrier, which the gateway's strips, clears and guards were not written for.
   */
  names?: string[];
  /** Whether the credential is stripped before the request reaches the backend. */
  hideCredentials?: boolean;
  /**
   * What the gateway asks to decide on the credential when it does not check it itself (a Lambda
   * authorizer: its function, identity sources and how long its answer is cached), as one
   * comparable text. A different one is another check: the new function may admit anyone.
   */
  verifier?: string;
  /**
   * A service the gateway asks after its own check of the credential passed (a forwardAuth beside
   * nginx's njs check or Traefik's basicAuth: forward-fallback.ts needsService), as one comparable
   * text: its address, the answer headers the backend is told, the request headers that count as a
   * credential. Both must pass, so absent where the other side has one is every caller the service
   * would refuse let in (`auth-weakened`); another text is another check (`auth-verifier-changed`).
   * Absent: none asked, on a reader that sets it; a reader whose target never asks one (Kong and
   * API Gateway refuse such a scheme) sets it on neither side.
   */
  service?: string;
  jwt?: {
    /** `null`: any issuer. */
    issuer?: string | null;
    /** `[]`: the audience is not checked. */
    audiences?: string[];
    algorithms?: string[];
    clockSkewSeconds?: number;
    /** The keys (or JWKS address) tokens are verified with, as one comparable text (never a secret's value). */
    keys?: string;
  };
}

/**
 * A scope or role requirement of `mechanism` in `Facts.auth`, or `scheme`: whose credentials the
 * mechanism takes when it serves several schemes (Kong's per-scheme acl groups: two API-key
 * schemes are one key-auth plugin).
 */
export const authAtom = (mechanism: string, what: 'scope' | 'role' | 'scheme', name: string) => `${mechanism} ${what} ${name}`;
