"use client";
import { useEffect, useRef, useState, type RefObject } from "react";

export const SHOWN_ONCE_WARNING = "This key is shown only once. Close without copying it?";

const FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]):not([type="hidden"]),select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex="-1"])';

/** Open modals, innermost last: only the top one answers Escape and traps Tab. */
const stack: object[] = [];

export function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.offsetParent !== null || el === document.activeElement);
}

/** Next element for Tab / Shift+Tab inside a trap: wraps at both ends; null lets the browser move. */
export function trapTarget(items: HTMLElement[], active: Element | null, back: boolean): HTMLElement | null {
  if (!items.length) return null;
  const i = active ? items.indexOf(active as HTMLElement) : -1;
  if (i === -1) return back ? items[items.length - 1]! : items[0]!;
  if (back && i === 0) return items[items.length - 1]!;
  if (!back && i === items.length - 1) return items[0]!;
  return null;
}

/**
 * Modal behaviour shared by dialogs and drawers: focus moves in on open and back to the opener on close,
 * Tab stays inside, Escape / a backdrop click dismiss. A dismissal asks first when `confirmText` is set
 * or when something was typed into the modal since it opened (unsaved work must not vanish silently).
 */
export function useModal(open: boolean, ref: RefObject<HTMLElement | null>, onClose: () => void, confirmText?: string | false, initialFocus = "input,select,textarea,button") {
  const [confirming, setConfirming] = useState(false);
  const dirty = useRef(false);
  const closeRef = useRef(onClose);
  const textRef = useRef(confirmText);
  useEffect(() => {
    closeRef.current = onClose;
    textRef.current = confirmText;
  });
  const dismiss = () => {
    if (textRef.current !== false && (textRef.current || dirty.current)) setConfirming(true);
    else closeRef.current();
  };
  const dismissRef = useRef(dismiss);
  useEffect(() => {
    dismissRef.current = dismiss;
  });

  useEffect(() => {
    if (!open) return;
    const token = {};
    stack.push(token);
    dirty.current = false;
    const opener = document.activeElement as HTMLElement | null;
    const root = ref.current;
    root?.querySelector<HTMLElement>(initialFocus)?.focus();
    const onInput = () => (dirty.current = true);
    root?.addEventListener("input", onInput);
    const onKey = (e: KeyboardEvent) => {
      if (stack[stack.length - 1] !== token || !ref.current) return;
      if (e.key === "Escape") {
        e.preventDefault();
        dismissRef.current();
      } else if (e.key === "Tab") {
        const next = trapTarget(focusables(ref.current), document.activeElement, e.shiftKey);
        if (next) {
          e.preventDefault();
          next.focus();
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      root?.removeEventListener("input", onInput);
      stack.splice(stack.indexOf(token), 1);
      // Back to the button that opened us; if it is gone (row deleted), to the page's main region.
      const back = opener && opener.isConnected && opener !== document.body ? opener : document.getElementById("main");
      back?.focus();
    };
    // initialFocus is a constant per call site
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, ref]);

  // A modal that closes and opens again starts without the question (state adjusted while rendering).
  const [wasOpen, setWasOpen] = useState(open);
  if (wasOpen !== open) {
    setWasOpen(open);
    setConfirming(false);
  }

  const confirmBar = confirming ? (
    <div className="alert warn" role="alertdialog" aria-label="Close without saving?" data-testid="confirm-dismiss">
      <p style={{ margin: "0 0 8px" }}>{typeof confirmText === "string" ? confirmText : "Close and lose what you typed?"}</p>
      <div className="row">
        <button type="button" className="btn small" onClick={() => setConfirming(false)} autoFocus>
          Keep open
        </button>
        <button type="button" className="btn small danger" onClick={() => closeRef.current()}>
          Close anyway
        </button>
      </div>
    </div>
  ) : null;
  return { dismiss, confirmBar };
}
