"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { UserMenu } from "@/components/shell/user-menu";

const LINKS = [
  { href: "/", label: "Catalog" },
  { href: "/apps", label: "My apps" },
  { href: "/usage", label: "Usage" },
];

/** Top navigation of the developer portal; "Admin" shows for admins and team admins (the admin pages check again). */
export function PortalNav({ user, showAdmin }: { user: { name: string; email: string; role: string }; showAdmin: boolean }) {
  const path = usePathname();
  return (
    <nav className="portal-nav" aria-label="Portal">
      <Link href="/" className="brand">
        <img src="/favicon.svg" width={24} height={24} alt="" /> Portico
      </Link>
      {LINKS.map((l) => {
        const active = l.href === "/" ? path === "/" : path === l.href || path.startsWith(l.href + "/");
        return (
          <Link key={l.href} href={l.href} aria-current={active ? "page" : undefined}>
            {l.label}
          </Link>
        );
      })}
      {showAdmin ? <Link href="/admin">Admin</Link> : null}
      <div className="right">
        <UserMenu name={user.name} email={user.email} role={user.role} />
      </div>
    </nav>
  );
}
