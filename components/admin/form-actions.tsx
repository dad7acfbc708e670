"use client";

/** The Cancel + submit row every form dialog ends with; the submit label switches while busy. */
export function FormActions({
  onCancel,
  busy,
  disabled,
  label,
  busyLabel,
}: {
  onCancel: () => void;
  busy: boolean;
  disabled?: boolean;
  label: string;
  busyLabel: string;
}) {
  return (
    <div className="actions">
      <button type="button" className="btn" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="btn primary" disabled={disabled ?? busy}>
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}
