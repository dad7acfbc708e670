"use client";
import { useMemo, useState, type ReactNode } from "react";
import { sortRows, type SortDir } from "./sort";

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** right-aligned action cells etc. */
  style?: React.CSSProperties;
  /** makes the header a sort button: the value rows are ordered by */
  sortValue?: (row: T) => string | number | null | undefined;
}

/**
 * A plain `.table` from column definitions; rows are clickable when `onRowClick` is given.
 * Columns with `sortValue` get a header button that sorts the rows shown (ascending, then descending).
 */
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
  const [sort, setSort] = useState<{ key: string; dir: SortDir } | null>(null);
  const shown = useMemo(() => {
    const col = sort && columns.find((c) => c.key === sort.key);
    return sort && col?.sortValue ? sortRows(rows, col.sortValue, sort.dir) : rows;
  }, [rows, columns, sort]);
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId} aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => {
              const dir = sort?.key === c.key ? sort.dir : null;
              return (
                <th key={c.key} scope="col" style={c.style} aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : undefined}>
                  {c.sortValue ? (
                    <button type="button" className="sort-btn" onClick={() => setSort({ key: c.key, dir: dir === "asc" ? "desc" : "asc" })}>
                      {c.header}
                      <span aria-hidden="true">{dir === "asc" ? " ▲" : dir === "desc" ? " ▼" : " ↕"}</span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
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
