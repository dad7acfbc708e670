import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/ui";
import { TokensSection } from "@/components/admin/settings/tokens-section";
import { WebhooksSection } from "@/components/access/webhooks-section";
import { LogSettingsSection } from "@/components/telemetry/log-settings-section";
import { ConfigSection } from "@/components/admin/settings/config-section";

export const metadata = { title: "Settings" };

export default async function Page() {
  const { allowed } = await pageActor("admin", "/admin/settings");
  if (!allowed) return <Forbidden need="admin" />;
  return (
    <>
      <PageHeader title="Settings" description="Platform-wide settings for this Portico instance." />
      <div className="stack">
        <TokensSection />
        <WebhooksSection />
        <LogSettingsSection />
        <ConfigSection />
        <section className="card" aria-labelledby="about-heading">
          <h2 id="about-heading">About this instance</h2>
          <p style={{ marginTop: 0 }}>
            Portico is an open-source LLM API gateway and developer portal. Applications call the OpenAI-compatible data plane under{" "}
            <code>/v1</code>; everything this dashboard does is also available as JSON under <code>/api/admin</code>.
          </p>
          <dl className="kv">
            <dt>Admin API</dt>
            <dd>
              <a href="/api/admin/openapi.json">/api/admin/openapi.json</a> (OpenAPI description)
            </dd>
            <dt>Authentication</dt>
            <dd>
              <code>Authorization: Bearer pat_…</code> with an admin API token from above
            </dd>
            <dt>Health</dt>
            <dd>
              <a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a>
            </dd>
          </dl>
        </section>
      </div>
    </>
  );
}
