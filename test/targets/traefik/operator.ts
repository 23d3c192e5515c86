/**
 * What the operator of a gwc Traefik output provides, as the output tells them: one htpasswd
 * file per basicAuth middleware, listing the users named in the file's header comment
 * (`# <middleware> reads htpasswd users (...) from <file>: alice (password ${env:X}), ...`).
 */
import { bcryptHash } from './htpasswd.js';

/**
 * The htpasswd files for a compiled file's text: each listed user with a bcrypt hash of its
 * password, `secret` resolving the `${env:NAME}` reference the header names.
 */
export function htpasswdFiles(text: string, secret: (envName: string) => string): Record<string, string> {
  const files: Record<string, string> = {};
  // The file provider runs the file through Go templates; gwc escapes braces as {{ "{" }}.
  const read = text.replace(/\{\{ "([{}])" \}\}/g, '$1');
  for (const m of read.matchAll(/^# (\S+) reads htpasswd users \(name:hash, e\.g\. from htpasswd -B\) from (\S+): (.*)\.$/gm)) {
    const users = [...m[3]!.matchAll(/(\S+) \(password \$\{env:(\w+)\}\)/g)];
    files[m[2]!] = users.map((u) => `${u[1]}:${bcryptHash(secret(u[2]!), Buffer.alloc(16, u[1]!.length))}`).join('\n');
  }
  return files;
}
