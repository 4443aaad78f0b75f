// Preloaded by the benchmark: prints the process's peak resident set size when it exits.
process.on('exit', () =>
  process.stderr.write(`XDF_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`),
);
