"use client";
import { signOut } from "next-auth/react";

export function UserMenu({ name, email, role }: { name: string; email: string; role: string }) {
  return (
    <div className="userbox" data-testid="user-menu">
      <span>
        <b style={{ color: "var(--text)" }}>{name}</b> · {email}
      </span>
      <span className="badge accent" data-testid="user-role">
        {role}
      </span>
      <button className="btn small" onClick={() => signOut({ callbackUrl: "/login" })}>
        Sign out
      </button>
    </div>
  );
}
