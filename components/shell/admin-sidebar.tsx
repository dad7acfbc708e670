"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

export interface NavItem {
  href: string;
  label: string;
  /** lowest role that sees the entry (the page checks again on the server) */
  role: "admin" | "team_admin";
  badge?: number;
}

export const ADMIN_NAV: { section: string; items: NavItem[] }[] = [
  { section: "Monitor", items: [
    { href: "/admin", label: "Overview", role: "team_admin" },
    { href: "/admin/logs", label: "Logs", role: "team_admin" },
    { href: "/admin/costs", label: "Costs", role: "team_admin" },
  ] },
  { section: "Gateway", items: [
    { href: "/admin/providers", label: "Providers", role: "admin" },
    { href: "/admin/models", label: "Models", role: "admin" },
    { href: "/admin/routes", label: "Routes", role: "admin" },
    { href: "/admin/keys", label: "Keys", role: "admin" },
  ] },
  { section: "Platform", items: [
    { href: "/admin/apis", label: "APIs", role: "team_admin" },
    { href: "/admin/subscriptions", label: "Subscriptions", role: "team_admin" },
    { href: "/admin/teams", label: "Teams", role: "team_admin" },
    { href: "/admin/users", label: "Users", role: "admin" },
    { href: "/admin/audit", label: "Audit", role: "team_admin" },
    { href: "/admin/settings", label: "Settings", role: "admin" },
  ] },
];

export function AdminSidebar({ role }: { role: "admin" | "team_admin" }) {
  const path = usePathname();
  return (
    <nav className="sidebar" aria-label="Admin">
      <Link href="/admin" className="brand" style={{ background: "none" }}>
        <img src="/favicon.svg" width={24} height={24} alt="" /> Portico
      </Link>
      {ADMIN_NAV.map((s) => {
        const items = s.items.filter((i) => role === "admin" || i.role === "team_admin");
        if (!items.length) return null;
        return (
          <div key={s.section}>
            <div className="section">{s.section}</div>
            {items.map((i) => {
              const active = i.href === "/admin" ? path === "/admin" : path === i.href || path.startsWith(i.href + "/");
              return (
                <Link key={i.href} href={i.href} aria-current={active ? "page" : undefined}>
                  {i.label}
                  {i.badge ? <span className="count">{i.badge}</span> : null}
                </Link>
              );
            })}
          </div>
        );
      })}
      <div className="spacer" />
      <Link href="/">Developer portal →</Link>
    </nav>
  );
}
