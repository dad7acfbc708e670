"use client";
import { useMutation } from "@tanstack/react-query";
import { ErrorAlert } from "@/components/ui";
import { Dialog } from "./dialog";

/**
 * Confirmation for destructive actions: runs `action`, closes on success,
 * keeps the dialog open with the server's message on failure.
 */
export function ConfirmDialog({
  open,
  title,
  confirmLabel,
  danger = true,
  onClose,
  action,
  onDone,
  children,
}: {
  open: boolean;
  title: string;
  confirmLabel: string;
  danger?: boolean;
  onClose: () => void;
  action: () => Promise<unknown>;
  onDone?: () => void;
  children: React.ReactNode;
}) {
  const m = useMutation({
    mutationFn: action,
    onSuccess: () => {
      onDone?.();
      onClose();
    },
  });
  const close = () => {
    m.reset();
    onClose();
  };
  return (
    <Dialog open={open} title={title} onClose={close}>
      <div>{children}</div>
      <ErrorAlert error={m.error} />
      <div className="actions">
        <button type="button" className="btn" onClick={close}>
          Cancel
        </button>
        <button type="button" className={`btn ${danger ? "danger" : "primary"}`} onClick={() => m.mutate()} disabled={m.isPending}>
          {m.isPending ? "Working…" : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
