"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";

/** Where to go after signing in without a callback URL: admins and team admins to the dashboard, developers to the catalog. */
export function landingFor(role: string | undefined): string {
  return role === "admin" || role === "team_admin" ? "/admin" : "/";
}

export function LoginForm({ callbackUrl, explicitCallback = true, initialError, ssoName }: { callbackUrl: string; explicitCallback?: boolean; initialError?: string; ssoName?: string }) {
  const [error, setError] = useState(initialError);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const res = await signIn("credentials", {
        email: String(f.get("email") ?? ""),
        password: String(f.get("password") ?? ""),
        redirect: false,
        callbackUrl,
      });
      if (res?.ok && !res.error) {
        let target = callbackUrl;
        if (!explicitCallback) {
          const me = await fetch("/api/me", { credentials: "same-origin" }).then((r) => (r.ok ? (r.json() as Promise<{ role?: string }>) : null)).catch(() => null);
          target = landingFor(me?.role);
        }
        window.location.href = target;
        return;
      }
      if (res?.status === 429) setError("Too many failed sign-in attempts. Wait 15 minutes and try again.");
      else setError("Wrong email or password.");
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={onSubmit} style={{ maxWidth: "none" }}>
      {error ? (
        <div className="alert error" role="alert">
          {error}
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="email">Email</label>
        <input className="input" id="email" name="email" type="email" autoComplete="username" required autoFocus />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input className="input" id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <button className="btn primary" type="submit" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
      {ssoName ? (
        <button className="btn" type="button" onClick={() => signIn("oidc", { callbackUrl })}>
          Sign in with {ssoName}
        </button>
      ) : null}
    </form>
  );
}
