"use client";
import { useEffect, useRef } from "react";
import { useStableCallback } from "./dialog";

/** Side panel over the page (`.drawer`): Escape or a click outside closes it. */
export function Drawer({ open, title, onClose: onCloseProp, children, testId }: { open: boolean; title: string; onClose: () => void; children: React.ReactNode; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const onClose = useStableCallback(onCloseProp);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    ref.current?.querySelector<HTMLElement>("button")?.focus();
    return () => window.removeEventListener("keydown", onKey);
  }, [open, onClose]);
  if (!open) return null;
  return (
    <>
      <div style={{ position: "fixed", inset: 0, background: "rgba(10,10,30,0.2)", zIndex: 39 }} onMouseDown={onClose} />
      <div className="drawer stack" role="dialog" aria-modal="true" aria-label={title} ref={ref} data-testid={testId}>
        <div className="row" style={{ justifyContent: "space-between" }}>
          <h2 style={{ margin: 0 }}>{title}</h2>
          <button type="button" className="btn small" onClick={onClose}>
            Close
          </button>
        </div>
        {children}
      </div>
    </>
  );
}
