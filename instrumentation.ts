/**
 * Runs once when a Next server starts (dev, plain `next start`, or inside our
 * production server): migrations, first admin, seeds. A failure stops start-up.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { bootstrap } = await import("./lib/bootstrap");
  try {
    await bootstrap();
  } catch (e) {
    console.error(`[portico] start-up failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
