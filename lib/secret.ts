import fs from "node:fs";
import path from "node:path";
import { randomBytes, createHmac, createCipheriv, createDecipheriv } from "node:crypto";
import { runtime } from "@/lib/runtime";


function secretFile(): string {
  return process.env.PORTICO_SECRET_FILE || path.join(/* turbopackIgnore: true */ process.cwd(), "data", "secret.key");
}

/**
 * The master secret: PORTICO_SECRET if set, else data/secret.key (created once, mode 0600).
 * Everything else (provider-credential encryption, the session signing key) is derived from it.
 */
export function masterSecret(): Buffer {
  const rt = runtime();
  if (rt.secret) return rt.secret;
  const env = process.env.PORTICO_SECRET?.trim();
  let raw: string;
  if (env) {
    if (env.length < 32) throw new Error("PORTICO_SECRET must be at least 32 characters long.");
    raw = env;
  } else {
    const file = secretFile();
    if (fs.existsSync(file)) {
      raw = fs.readFileSync(file, "utf8").trim();
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      raw = randomBytes(32).toString("base64url");
      // wx: never overwrite a key another process created meanwhile.
      try {
        fs.writeFileSync(file, raw + "\n", { mode: 0o600, flag: "wx" });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        raw = fs.readFileSync(file, "utf8").trim();
      }
    }
  }
  rt.secret = createHmac("sha256", "portico-master").update(raw).digest();
  return rt.secret;
}

export function deriveKey(purpose: string): Buffer {
  return createHmac("sha256", masterSecret()).update(purpose).digest();
}

/** AES-256-GCM, output `v1:<iv>:<tag>:<ciphertext>` (base64url). */
export function encryptSecret(plain: string): string {
  const key = deriveKey("provider-credentials");
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return ["v1", iv.toString("base64url"), c.getAuthTag().toString("base64url"), ct.toString("base64url")].join(":");
}

export function decryptSecret(blob: string): string {
  const [v, iv, tag, ct] = blob.split(":");
  if (v !== "v1" || !iv || !tag || ct === undefined) throw new Error("Unrecognised encrypted secret format");
  const d = createDecipheriv("aes-256-gcm", deriveKey("provider-credentials"), Buffer.from(iv, "base64url"));
  d.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([d.update(Buffer.from(ct, "base64url")), d.final()]).toString("utf8");
}
