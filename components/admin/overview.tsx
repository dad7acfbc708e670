"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert, PageHeader } from "@/components/ui";
import { qk, withQuery } from "./query";
import type { Page, TeamRow, UserRow } from "./types";

const USER_SAMPLE = 200;

function Stat({ label, value, href, error, testId }: { label: string; value: string | undefined; href: string; error?: unknown; testId: string }) {
  return (
    <Link href={href} className="card stat" style={{ color: "inherit" }} data-testid={testId}>
      <span className="muted">{label}</span>
      {error ? <ErrorAlert error={error} /> : <span className="value">{value ?? "…"}</span>}
    </Link>
  );
}

/** Welcome card with quick links and real counts (no charts yet). */
export function Overview({ name, isAdmin }: { name: string; isAdmin: boolean }) {
  const teams = useQuery({ queryKey: qk.teams, queryFn: () => api<{ items: TeamRow[] }>("/api/admin/teams") });
  // There is no count endpoint yet: read one large page and say "200+" when there are more.
  const users = useQuery({
    queryKey: [...qk.users, "overview-count"],
    queryFn: () => api<Page<UserRow>>(withQuery("/api/admin/users", { limit: USER_SAMPLE })),
    enabled: isAdmin,
  });
  const userCount = users.data ? `${users.data.items.length}${users.data.nextCursor ? "+" : ""}` : undefined;
  const members = teams.data ? teams.data.items.reduce((n, t) => n + t.memberCount, 0) : undefined;

  const links = [
    ...(isAdmin
      ? [
          { href: "/admin/users", label: "Users", text: "Create accounts, set platform roles, disable access." },
          { href: "/admin/settings", label: "Settings", text: "Admin API tokens for scripts and CI." },
        ]
      : []),
    { href: "/admin/teams", label: "Teams", text: isAdmin ? "Create teams and choose their team admins." : "Manage the members of your teams." },
    { href: "/admin/audit", label: "Audit log", text: "Who changed what, with before and after." },
    { href: "/", label: "Developer portal", text: "What developers see: the API catalog and their apps." },
  ];

  return (
    <>
      <PageHeader title="Overview" />
      <div className="stack">
        <div className="card">
          <h2>Welcome, {name}</h2>
          <p className="muted" style={{ marginTop: 0 }}>
            {isAdmin
              ? "You are a platform admin: you manage providers, models, routes, teams and users for this Portico instance."
              : "You are a team admin: you manage your teams' members, apps and usage."}
          </p>
          <div className="grid">
            {links.map((l) => (
              <Link key={l.href} href={l.href} className="card" style={{ color: "inherit" }}>
                <b style={{ color: "var(--accent)" }}>{l.label} →</b>
                <div className="muted small" style={{ marginTop: 4 }}>
                  {l.text}
                </div>
              </Link>
            ))}
          </div>
        </div>
        <div className="grid">
          <Stat label={isAdmin ? "Teams" : "Your teams"} value={teams.data?.items.length.toString()} href="/admin/teams" error={teams.error} testId="stat-teams" />
          <Stat label="Team memberships" value={members?.toString()} href="/admin/teams" error={teams.error} testId="stat-members" />
          {isAdmin ? <Stat label="Users" value={userCount} href="/admin/users" error={users.error} testId="stat-users" /> : null}
        </div>
      </div>
    </>
  );
}
