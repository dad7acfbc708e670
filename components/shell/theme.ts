/** Colour theme: "system" follows prefers-color-scheme; a chosen theme is kept in localStorage. */
export type Theme = "system" | "light" | "dark";
export const THEME_KEY = "portico-theme";
export const THEMES: Theme[] = ["system", "light", "dark"];

export function parseTheme(v: string | null | undefined): Theme {
  return v === "light" || v === "dark" ? v : "system";
}

export function nextTheme(t: Theme): Theme {
  return THEMES[(THEMES.indexOf(t) + 1) % THEMES.length]!;
}

/**
 * Runs inline in <head> before the first paint, so a stored choice never flashes the other theme.
 * Kept as a string: it must not wait for the bundle.
 */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem(${JSON.stringify(THEME_KEY)});if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`;
