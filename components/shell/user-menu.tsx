"use client";
import { signOut } from "next-auth/react";
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
    </div>
  );
}
