/**
 * htpasswd hashes as Traefik's basicAuth checks them: goauth.CheckSecret (github.com/abbot/go-http-auth,
 * used by pkg/middlewares/auth/basic_auth.go) picks the comparison by prefix: `{SHA}` (base64 of
 * SHA-1), `$2a$`/`$2b$`/`$2x$`/`$2y$` (bcrypt, golang.org/x/crypto/bcrypt), and anything else as
 * MD5-crypt with the magic read from the hash (`$apr1$` as `htpasswd -m` writes it, or `$1$`).
 * Plain-text passwords are never accepted. https://doc.traefik.io/traefik/middlewares/http/basicauth/#users
 *
 * Only node:crypto is used (no bcrypt package is installed): Blowfish's initial state is the
 * fractional hex digits of pi, computed here with BigInt rather than pasted.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

// ---------------------------------------------------------------- pi digits for Blowfish
function piWords(count: number): Uint32Array {
  const bits = BigInt(count * 32 + 64);
  const one = 1n << bits;
  const atanInv = (x: bigint): bigint => {
    // arctan(1/x) = sum (-1)^k / ((2k+1) x^(2k+1))
    let term = one / x;
    let sum = term;
    const x2 = x * x;
    for (let k = 1n; term !== 0n; k++) {
      term /= x2;
      const t = term / (2n * k + 1n);
      sum += k % 2n === 1n ? -t : t;
    }
    return sum;
  };
  const pi = 16n * atanInv(5n) - 4n * atanInv(239n);
  let frac = pi & (one - 1n); // drop the integer part 3
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    frac <<= 32n;
    out[i] = Number(frac >> bits);
    frac &= one - 1n;
  }
  return out;
}

let PI: Uint32Array | undefined;
const pi = () => (PI ??= piWords(18 + 1024));

// ---------------------------------------------------------------- bcrypt (eksblowfish)
class Blowfish {
  P: Uint32Array;
  S: Uint32Array;
  constructor() {
    const w = pi();
    this.P = w.slice(0, 18);
    this.S = w.slice(18);
  }
  private f(x: number): number {
    const S = this.S;
    return ((((S[x >>> 24]! + S[256 + ((x >>> 16) & 0xff)]!) >>> 0) ^ S[512 + ((x >>> 8) & 0xff)]!) + S[768 + (x & 0xff)]!) >>> 0;
  }
  encrypt(lr: [number, number]): void {
    let [l, r] = lr;
    for (let i = 0; i < 16; i += 2) {
      l = (l ^ this.P[i]!) >>> 0;
      r = (r ^ this.f(l)) >>> 0;
      r = (r ^ this.P[i + 1]!) >>> 0;
      l = (l ^ this.f(r)) >>> 0;
    }
    l = (l ^ this.P[16]!) >>> 0;
    r = (r ^ this.P[17]!) >>> 0;
    lr[0] = r;
    lr[1] = l;
  }
  /** Blowfish_expandstate / Blowfish_expand0state: key xored into P, then P and S re-encrypted, salt mixed in. */
  expand(key: Uint8Array, salt?: Uint8Array): void {
    const stream = (data: Uint8Array) => {
      let j = 0;
      return () => {
        let w = 0;
        for (let i = 0; i < 4; i++) {
          w = ((w << 8) | data[j]!) >>> 0;
          j = (j + 1) % data.length;
        }
        return w;
      };
    };
    const k = stream(key);
    for (let i = 0; i < 18; i++) this.P[i] = (this.P[i]! ^ k()) >>> 0;
    const s = salt ? stream(salt) : () => 0;
    const lr: [number, number] = [0, 0];
    const fill = (arr: Uint32Array) => {
      for (let i = 0; i < arr.length; i += 2) {
        lr[0] = (lr[0] ^ s()) >>> 0;
        lr[1] = (lr[1] ^ s()) >>> 0;
        this.encrypt(lr);
        arr[i] = lr[0];
        arr[i + 1] = lr[1];
      }
    };
    fill(this.P);
    fill(this.S);
  }
}

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function bcryptB64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const c1 = bytes[i]!;
    const c2 = bytes[i + 1];
    const c3 = bytes[i + 2];
    out += BCRYPT_ALPHABET[c1 >> 2];
    out += BCRYPT_ALPHABET[((c1 & 3) << 4) | ((c2 ?? 0) >> 4)];
    if (c2 === undefined) break;
    out += BCRYPT_ALPHABET[((c2 & 0x0f) << 2) | ((c3 ?? 0) >> 6)];
    if (c3 === undefined) break;
    out += BCRYPT_ALPHABET[c3 & 0x3f];
  }
  return out;
}

function bcryptB64Decode(text: string, length: number): Uint8Array | undefined {
  const v = [...text].map((c) => BCRYPT_ALPHABET.indexOf(c));
  if (v.some((x) => x < 0)) return undefined;
  const out: number[] = [];
  for (let i = 0; i < v.length && out.length < length; i += 4) {
    out.push(((v[i]! << 2) | (v[i + 1]! >> 4)) & 0xff);
    if (out.length < length) out.push(((v[i + 1]! << 4) | (v[i + 2]! >> 2)) & 0xff);
    if (out.length < length) out.push(((v[i + 2]! << 6) | v[i + 3]!) & 0xff);
  }
  return out.length === length ? Uint8Array.from(out) : undefined;
}

/** The 23-byte bcrypt digest of a password (NUL-terminated, 72 bytes at most) for a 16-byte salt. */
function bcryptDigest(password: string, salt: Uint8Array, cost: number): Uint8Array {
  const key = Buffer.concat([Buffer.from(password, 'utf8'), Buffer.from([0])]).subarray(0, 72);
  const bf = new Blowfish();
  bf.expand(key, salt);
  for (let i = 0; i < 2 ** cost; i++) {
    bf.expand(key);
    bf.expand(salt);
  }
  const text = Buffer.from('OrpheanBeholderScryDoubt', 'latin1');
  const words = Array.from({ length: 6 }, (_, i) => text.readUInt32BE(i * 4));
  for (let n = 0; n < 64; n++) {
    for (let i = 0; i < 6; i += 2) {
      const lr: [number, number] = [words[i]!, words[i + 1]!];
      bf.encrypt(lr);
      words[i] = lr[0];
      words[i + 1] = lr[1];
    }
  }
  const out = Buffer.alloc(24);
  words.forEach((w, i) => out.writeUInt32BE(w, i * 4));
  return out.subarray(0, 23);
}

export function bcryptHash(password: string, saltBytes: Uint8Array, cost = 4): string {
  const salt = bcryptB64Encode(saltBytes);
  return `$2y$${String(cost).padStart(2, '0')}$${salt}${bcryptB64Encode(bcryptDigest(password, saltBytes, cost))}`;
}

function bcryptCheck(hash: string, password: string): boolean {
  const m = /^\$2[abxy]\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/.exec(hash);
  if (!m) return false;
  const cost = Number(m[1]);
  const salt = bcryptB64Decode(m[2]!, 16);
  if (!salt || cost < 4 || cost > 31) return false;
  return safeEqual(bcryptB64Encode(bcryptDigest(password, salt, cost)), m[3]!);
}

// ---------------------------------------------------------------- MD5-crypt ($1$, $apr1$)
const CRYPT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** MD5Crypt(password, salt, magic) as goauth writes it (PHK's md5crypt; Apache's apr1 is the same with magic $apr1$). */
export function md5Crypt(password: string, salt: string, magic: string): string {
  const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();
  const pw = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 8), 'utf8');
  const alt = md5(pw, s, pw);
  const parts: Buffer[] = [pw, Buffer.from(magic), s];
  for (let i = pw.length; i > 0; i -= 16) parts.push(alt.subarray(0, Math.min(16, i)));
  for (let i = pw.length; i > 0; i >>= 1) parts.push(i & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  let final = md5(...parts);
  for (let i = 0; i < 1000; i++) {
    const p: Buffer[] = [];
    p.push(i & 1 ? pw : final);
    if (i % 3) p.push(s);
    if (i % 7) p.push(pw);
    p.push(i & 1 ? final : pw);
    final = md5(...p);
  }
  const to64 = (v: number, n: number) => {
    let o = '';
    for (; n > 0; n--, v >>= 6) o += CRYPT_ALPHABET[v & 0x3f];
    return o;
  };
  const f = final;
  const enc =
    to64((f[0]! << 16) | (f[6]! << 8) | f[12]!, 4) +
    to64((f[1]! << 16) | (f[7]! << 8) | f[13]!, 4) +
    to64((f[2]! << 16) | (f[8]! << 8) | f[14]!, 4) +
    to64((f[3]! << 16) | (f[9]! << 8) | f[15]!, 4) +
    to64((f[4]! << 16) | (f[10]! << 8) | f[5]!, 4) +
    to64(f[11]!, 2);
  return `${magic}${salt.slice(0, 8)}$${enc}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** goauth.CheckSecret: true when `password` matches the htpasswd `secret`. */
export function checkSecret(password: string, secret: string): boolean {
  if (secret.startsWith('{SHA}')) return safeEqual(secret.slice(5), createHash('sha1').update(password, 'utf8').digest('base64'));
  if (/^\$2[abxy]\$/.test(secret)) return bcryptCheck(secret, password);
  // compareMD5HashAndPassword: "$magic$salt$hash", anything else mismatches.
  const parts = secret.split('$');
  if (parts.length < 4 || parts[0] !== '') return false;
  const salt = parts[2]!;
  return safeEqual(secret, md5Crypt(password, salt, `$${parts[1]}$`));
}

/**
 * Traefik's usersFile reading (pkg/middlewares/auth/auth.go getLinesFromFile and basicUserParser):
 * lines trimmed, blank and `#` lines skipped, each exactly `name:hash` (a second `:` is an error,
 * which makes the middleware, and so its routers, fail to load). A later line for one user wins.
 */
export function parseUsersFile(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const split = line.split(':');
    if (split.length !== 2) throw new Error(`error parsing BasicUser: ${line}`);
    users.set(split[0]!, split[1]!);
  }
  return users;
}
