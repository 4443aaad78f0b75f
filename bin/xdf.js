#!/usr/bin/env node
// The installed command: runs the single-file build made by `npm run build` (run by npm's prepare).
import('../dist/xdf.js').then((xdf) => xdf.run(), (err) => {
  process.stderr.write(`xdf: error XDF099: the build is missing (${err.code ?? err.message})\nhint: run npm run build in the xdf package\n`);
  process.exitCode = 2;
});
