"use client";
import type { McpTool } from "./types";

/** A tool: name, description and its input schema (collapsed). */
export function ToolSchema({ tool }: { tool: McpTool }) {
  return (
    <div data-testid={`mcp-tool-${tool.name}`}>
      <div>
        <code>
          <b>{tool.name}</b>
        </code>
        {tool.description ? <span className="muted small"> — {tool.description}</span> : null}
      </div>
      <details>
        <summary className="small">Input schema</summary>
        <pre className="small" style={{ whiteSpace: "pre-wrap", maxHeight: 260, overflow: "auto" }}>
          {JSON.stringify(tool.inputSchema, null, 2)}
        </pre>
      </details>
    </div>
  );
}
