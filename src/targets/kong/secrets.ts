/**
 * Secrets in the decK file. Two different mechanisms, because Kong treats fields differently:
 *
 * - Plugin and entity fields Kong marks `referenceable` take a Kong vault reference,
 *   `{vault://env/NAME}`, resolved by Kong at runtime (no field gwc writes today is one, so gwc
 *   writes none).
 *   https://docs.konghq.com/gateway/latest/kong-enterprise/secrets-management/reference-format/
 * - Consumer credentials (key-auth `key`, basic-auth `password`, jwt `rsa_public_key`) are NOT
 *   referenceable: Kong stores a `{vault://...}` string there literally, which would make the
 *   reference text itself a valid API key. Kong's support note says so:
 *   https://developer.konghq.com/support/kong-gateway-key-auth-on-consumer-isn-t-working-with-vault-secrets/
 *   For those gwc writes decK's environment substitution (decK 1.6 and later renders the file
 *   as a Go template with `${{ }}` delimiters before parsing it), so the file never holds the
 *   value: `${{ printf "%q" (env "DECK_NAME") }}`, an unquoted YAML scalar that decK replaces by
 *   the value as a Go-quoted string, which is a valid YAML double-quoted scalar whatever the value
 *   holds (quotes, newlines of a PEM key). decK only reads variables whose name starts with
 *   `DECK_`, so `${env:ALICE_KEY}` becomes `DECK_ALICE_KEY`. decK fails when it is unset.
 *   https://docs.konghq.com/deck/latest/guides/environment-variables/
 *
 * File references cannot be resolved by a pure compile (no file I/O) nor by Kong or decK, so they
 * are refused with a diagnostic rather than written in some weaker form.
 */
import type { Loc } from '../../diagnostics/diagnostic.js';
import type { SecretRef } from '../../model/types.js';
import { DeckTemplate, type Ctx } from './context.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function deckEnvName(name: string): string {
  return name.startsWith('DECK_') ? name : `DECK_${name}`;
}

/** The decK template for an environment variable's value (see above). */
export function deckEnv(name: string): string {
  return `\${{ printf "%q" (env "${name}") }}`;
}


/** A credential value decK substitutes at sync time; undefined (and an error) when it cannot be. */
export function credentialValue(ctx: Ctx, ref: SecretRef, what: string, loc?: Loc): DeckTemplate | undefined {
  if (ref.kind === 'env') {
    if (!ENV_NAME.test(ref.name)) {
      ctx.report('kong-secret-env-name', { what, name: ref.name }, loc);
      return undefined;
    }
    return new DeckTemplate(deckEnv(deckEnvName(ref.name)));
  }
  ctx.report('kong-credential-secret-source', { what, kind: ref.kind, ref: ref.raw }, loc);
  return undefined;
}
