import type { Metadata } from "next";
import "./globals.css";
import { Providers } from "@/components/providers";
import { THEME_BOOT_SCRIPT } from "@/components/shell/theme";

export const metadata: Metadata = {
  title: { default: "Portico", template: "%s · Portico" },
  description: "LLM API gateway and developer portal",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    // The boot script sets data-theme before hydration, so React must not complain about it.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
