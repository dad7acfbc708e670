"use client";
import { useCallback, useLayoutEffect, useRef } from "react";
import { Dialog as UiDialog } from "@/components/ui";

/** A callback with a stable identity that always calls the latest `fn`. */
export function useStableCallback<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const ref = useRef(fn);
  useLayoutEffect(() => {
    ref.current = fn;
  });
  return useCallback((...args: A) => ref.current(...args), []);
}

/**
 * The ui Dialog re-runs its focus effect whenever `onClose` changes identity,
 * which moves focus back to the first input on every keystroke when callers
 * pass an inline arrow. Admin pages use this wrapper, which keeps it stable.
 */
export function Dialog(props: { open: boolean; title: string; onClose: () => void; children: React.ReactNode; confirmDismiss?: string | false }) {
  const onClose = useStableCallback(props.onClose);
  return <UiDialog {...props} onClose={onClose} />;
}
