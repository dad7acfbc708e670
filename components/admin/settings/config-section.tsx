/**
 * Configuration as code (docs/config-as-code.md): download the current
 * configuration as a file, to review, keep in Git, or apply elsewhere with
 * `npx portico config apply`. Secrets are written as ${ENV} references.
 */
export function ConfigSection() {
  return (
    <section className="card stack" aria-labelledby="config-heading">
      <div>
        <h2 id="config-heading" style={{ margin: 0 }}>
          Configuration as code
        </h2>
        <p className="muted" style={{ marginBottom: 0 }}>
          Providers, models, routes, APIs, prompts, limits, budgets, guards, alert rules, webhooks and teams as one YAML file. Secrets are
          written as <code>{"${ENV}"}</code> references, never in clear. Apply a file with <code>npx portico config apply -f portico.yaml</code> or
          start Portico with <code>PORTICO_CONFIG_FILE</code>.
        </p>
      </div>
      <div className="row" style={{ gap: 8 }}>
        <a className="btn primary" href="/api/admin/config/export?format=yaml" download="portico.yaml" data-testid="config-export">
          Export configuration
        </a>
        <a className="btn" href="/api/admin/config/export?format=json" download="portico.json">
          Export as JSON
        </a>
        <a className="btn" href="/api/admin/config/schema.json">
          JSON Schema
        </a>
      </div>
    </section>
  );
}
