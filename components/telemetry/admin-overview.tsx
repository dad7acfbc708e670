"use client";
import Link from "next/link";
import { PageHeader } from "@/components/ui";
import { UsageDashboard } from "./dashboards";

/** /admin: usage overview (stats vs previous period, requests/errors, cost by team, provider health) and quick links. */
export function AdminOverview({ name, isAdmin }: { name: string; isAdmin: boolean }) {
  const links = [
    { href: "/admin/logs", label: "Logs", text: "Search calls, open one, export the set." },
    { href: "/admin/costs", label: "Costs", text: "Spend by team, model, app and key." },
    ...(isAdmin
      ? [
          { href: "/admin/routes", label: "Routes", text: "Model aliases, targets, retries and fallbacks." },
          { href: "/admin/users", label: "Users", text: "Create accounts, set platform roles, disable access." },
          { href: "/admin/settings", label: "Settings", text: "Admin API tokens, log retention, body capture." },
        ]
      : []),
    { href: "/admin/teams", label: "Teams", text: isAdmin ? "Create teams and choose their team admins." : "Manage the members of your teams." },
    { href: "/admin/audit", label: "Audit log", text: "Who changed what, with before and after." },
    { href: "/", label: "Developer portal", text: "What developers see: the API catalog and their apps." },
  ];
  return (
    <>
      <PageHeader
        title="Overview"
        description={`Welcome, ${name}. ${isAdmin ? "Usage across every team." : "Usage of the teams you administer."}`}
      />
      <div className="stack">
        <UsageDashboard mode="overview" isAdmin={isAdmin} />
        <div className="card">
          <h2 style={{ marginTop: 0 }}>Quick links</h2>
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
      </div>
    </>
  );
}
