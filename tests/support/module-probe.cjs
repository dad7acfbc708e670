// Preloaded with `--require` into a spawned Portico: on SIGUSR2 it prints which Next modules
// (next, next-auth) the process has loaded, so a test can assert a gateway never loads them.
process.on("SIGUSR2", () => {
  const mods = Object.keys(require.cache).filter((f) => /[\\/]node_modules[\\/]next(-auth)?[\\/]/.test(f));
  process.stdout.write(`NEXT-MODULES ${JSON.stringify(mods)}\n`);
});
