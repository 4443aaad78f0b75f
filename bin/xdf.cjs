#!/usr/bin/env node
// The installed command: the build made by `npm run build` (npm pack runs it through prepack).
const path = require('node:path');
const { pathToFileURL } = require('node:url');

import(pathToFileURL(path.join(__dirname, '..', 'dist', 'xdf.js')).href).then(
  (xdf) => xdf.run(),
  (err) => {
    process.stderr.write(`xdf: error XDF099: the build is missing (${err.code || err.message})\nhint: run npm run build in the xdf package\n`);
    process.exitCode = 2;
  },
);
