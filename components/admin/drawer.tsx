"use client";
import { useRef } from "react";
import { useModal } from "@/components/ui/modal";

/**
 * Side panel over the page (`.drawer`): Escape or a click outside closes it, after a confirmation
 * when something was typed into it; focus stays inside while open and returns to the opener.
 */
export function Drawer({ open, title, onClose, children, testId, confirmDismiss }: { open: boolean; title: string; onClose: () => void; children: React.ReactNode; testId?: string; confirmDismiss?: string | false }) {
  const ref = useRef<HTMLDivElement>(null);
  const { dismiss, confirmBar } = useModal(open, ref, onClose, confirmDismiss, "button");
  if (!open) return null;
  return (
    <>
      <div style={{ position: "fixed", inset: 0, background: "rgba(10,10,30,0.2)", zIndex: 39 }} onMouseDown={dismiss} />
      <div className="drawer stack" role="dialog" aria-modal="true" aria-label={title} ref={ref} data-testid={testId}>
        <div className="row" style={{ justifyContent: "space-between" }}>
          <h2 style={{ margin: 0 }}>{title}</h2>
          <button type="button" className="btn small" onClick={dismiss}>
            Close
          </button>
        </div>
        {confirmBar}
        {children}
      </div>
    </>
  );
}
