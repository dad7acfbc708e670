import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  CredentialsSignin: "Wrong email or password.",
  AccountDisabled: "This account is disabled. Ask an admin to enable it.",
  NoEmail: "Your SSO provider did not share an email address.",
  SessionRequired: "Please sign in to continue.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const sso = !!(process.env.PORTICO_OIDC_ISSUER && process.env.PORTICO_OIDC_CLIENT_ID && process.env.PORTICO_OIDC_CLIENT_SECRET);
  const cb = sp.callbackUrl && sp.callbackUrl.startsWith("/") && !sp.callbackUrl.startsWith("//") ? sp.callbackUrl : "/";
  return (
    <main className="login-wrap" id="main" tabIndex={-1}>
      <div className="card login-card stack">
        <div className="row">
          <img src="/favicon.svg" width={32} height={32} alt="" />
          <div>
            <h1>Sign in to Portico</h1>
            <div className="muted small">LLM gateway and developer portal</div>
          </div>
        </div>
        <LoginForm
          callbackUrl={cb}
          explicitCallback={cb !== "/" || sp.callbackUrl === "/"}
          initialError={sp.error ? (ERRORS[sp.error] ?? "Sign-in failed. Try again.") : undefined}
          ssoName={sso ? process.env.PORTICO_OIDC_NAME || "SSO" : undefined}
        />
      </div>
    </main>
  );
}
