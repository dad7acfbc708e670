"use client";
import { useSyncExternalStore } from "react";
import { nextTheme, parseTheme, THEME_KEY, type Theme } from "./theme";

const listeners = new Set<() => void>();
function subscribe(fn: () => void) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
function read(): Theme {
  try {
    return parseTheme(localStorage.getItem(THEME_KEY));
  } catch {
    return "system";
  }
}

function apply(t: Theme) {
  try {
    if (t === "system") localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, t);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  if (t === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
  listeners.forEach((l) => l());
}

const LABEL: Record<Theme, string> = { system: "System", light: "Light", dark: "Dark" };

/** Cycles system → light → dark; the boot script in the root layout applies the stored choice before paint. */
export function ThemeToggle() {
  const theme = useSyncExternalStore(subscribe, read, () => "system" as Theme);
  return (
    <button type="button" className="btn small" onClick={() => apply(nextTheme(theme))} data-testid="theme-toggle" data-theme-choice={theme} title="Colour theme: follows the system, or light or dark">
      Theme: {LABEL[theme]}
    </button>
  );
}
