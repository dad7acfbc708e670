"use client";
import type { ReactNode } from "react";

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** right-aligned action cells etc. */
  style?: React.CSSProperties;
}

/** A plain `.table` from column definitions; rows are clickable when `onRowClick` is given. */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  onRowClick,
  testId,
  label,
}: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  onRowClick?: (row: T) => void;
  testId?: string;
  label: string;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId} aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" style={c.style}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={rowKey(r)}
              onClick={onRowClick ? () => onRowClick(r) : undefined}
              style={onRowClick ? { cursor: "pointer" } : undefined}
            >
              {columns.map((c) => (
                <td key={c.key} style={c.style}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Load more" for cursor pagination; shows how many rows are on screen. */
export function LoadMore({
  shown,
  hasMore,
  loading,
  onLoad,
}: {
  shown: number;
  hasMore: boolean;
  loading: boolean;
  onLoad: () => void;
}) {
  return (
    <div className="row" style={{ justifyContent: "space-between" }}>
      <span className="muted small" data-testid="row-count">
        {shown} shown{hasMore ? "" : " · end of list"}
      </span>
      {hasMore ? (
        <button type="button" className="btn" onClick={onLoad} disabled={loading}>
          {loading ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </div>
  );
}
