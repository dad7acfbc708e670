import Link from "next/link";

export function Forbidden({ need }: { need: string }) {
  return (
    <div className="card empty" role="alert" data-testid="forbidden">
      <h3>403 — you don&apos;t have access to this page</h3>
      <p>
        This page needs the <b>{need}</b> role. Ask a platform admin if you need it.
      </p>
      <Link className="btn" href="/">
        Go to the developer portal
      </Link>
    </div>
  );
}
