"use client";
import { signOut } from "next-auth/react";
import { api } from "@/components/api";

/** Ends every session of the signed-in user (other browsers and devices too), then this one. */
async function signOutEverywhere(): Promise<void> {
  await api("/api/portal/account/sign-out", { method: "POST" }).catch(() => undefined);
  await signOut({ callbackUrl: "/login" });
}
import { ThemeToggle } from "./theme-toggle";
import { roleLabel } from "./labels";

export function UserMenu({ name, email, role }: { name: string; email: string; role: string }) {
  return (
    <div className="userbox" data-testid="user-menu">
      <span>
        <b style={{ color: "var(--text)" }}>{name}</b>
        <span className="email"> · {email}</span>
      </span>
      <span className="badge accent" data-testid="user-role">
        {roleLabel(role)}
      </span>
      <ThemeToggle />
      <button className="btn small" onClick={() => signOut({ callbackUrl: "/login" })}>
        Sign out
      </button>
      <button className="btn small" data-testid="sign-out-everywhere" title="Sign out everywhere: ends your sessions in every browser and device" onClick={() => void signOutEverywhere()}>
        End all sessions
      </button>
    </div>
  );
}
