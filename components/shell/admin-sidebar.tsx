"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ak } from "@/components/access/query-keys";
import { useFiringAlertCount } from "@/components/alerts/use-firing-count";

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
    { href: "/admin/alerts", label: "Alerts", role: "admin" },
  ] },
  { section: "Gateway", items: [
    { href: "/admin/providers", label: "Providers", role: "admin" },
    { href: "/admin/models", label: "Models", role: "admin" },
    { href: "/admin/routes", label: "Routes", role: "admin" },
    { href: "/admin/keys", label: "Keys", role: "admin" },
    { href: "/admin/limits", label: "Limits & budgets", role: "team_admin" },
    { href: "/admin/guards", label: "Guards & cache", role: "team_admin" },
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

/** Subscriptions waiting for a decision the caller may make; polled so approvers notice new requests. */
function usePendingCount(): number {
  const q = useQuery({
    queryKey: ak.pendingCount,
    queryFn: () => api<{ count: number }>("/api/admin/subscriptions/pending-count"),
    refetchInterval: 15_000,
    retry: false,
  });
  return q.data?.count ?? 0;
}

export function AdminSidebar({ role }: { role: "admin" | "team_admin" }) {
  const path = usePathname();
  const pending = usePendingCount();
  const firing = useFiringAlertCount(role === "admin");
  // Below 900 px the sidebar is a top bar and the links open as a menu; a navigation closes it.
  const [open, setOpen] = useState(false);
  const [openedAt, setOpenedAt] = useState(path);
  if (open && openedAt !== path) setOpen(false);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  const badges: Record<string, { n: number; srText?: string; testId?: string } | undefined> = {
    "/admin/subscriptions": pending ? { n: pending, srText: " pending", testId: "pending-count" } : undefined,
    "/admin/alerts": firing ? { n: firing, srText: " firing", testId: "firing-alerts-count" } : undefined,
  };
  return (
    <nav className="sidebar" aria-label="Admin" data-open={open}>
      <div className="top">
        <Link href="/admin" className="brand" style={{ background: "none" }}>
          <img src="/favicon.svg" width={24} height={24} alt="" /> Portico
        </Link>
        <button
          type="button"
          className="btn small menu-toggle"
          aria-expanded={open}
          aria-controls="admin-nav-links"
          onClick={() => {
            setOpenedAt(path);
            setOpen(!open);
          }}
          data-testid="menu-toggle"
        >
          {open ? "Close" : "Menu"}
          {!open && (pending || firing) ? (
            <span className="count">
              {pending + firing}
              <span className="sr-only"> need attention</span>
            </span>
          ) : null}
        </button>
      </div>
      <div className="nav-links" id="admin-nav-links">
        {ADMIN_NAV.map((s) => {
          const items = s.items.filter((i) => role === "admin" || i.role === "team_admin");
          if (!items.length) return null;
          return (
            <div key={s.section}>
              <div className="section">{s.section}</div>
              {items.map((i) => {
                const active = i.href === "/admin" ? path === "/admin" : path === i.href || path.startsWith(i.href + "/");
                const b = badges[i.href] ?? (i.badge ? { n: i.badge } : undefined);
                return (
                  <Link key={i.href} href={i.href} aria-current={active ? "page" : undefined}>
                    {i.label}
                    {b ? (
                      <span className="count" data-testid={b.testId}>
                        {b.n}
                        {b.srText ? <span className="sr-only">{b.srText}</span> : null}
                      </span>
                    ) : null}
                  </Link>
                );
              })}
            </div>
          );
        })}
        <div className="spacer" />
        <Link href="/">Developer portal →</Link>
      </div>
    </nav>
  );
}
