// An esbuild plugin that applies patches/<package>/*.patch (unified diffs against the published
// package, `a/lib/x.js` paths, a note before the diff) to that package's files as they are bundled.
// A hunk that does not apply exactly fails the build, and so does a patch whose file the build
// never loaded: an upgrade of the package cannot silently ship without its patches.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { applyPatch, parsePatch } from 'diff';

const require = createRequire(import.meta.url);

/** Every patch of patches/, by the absolute path of the file it changes, in file-name order. */
function readPatches(dir) {
  const byFile = new Map();
  const packages = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  for (const pkg of packages) {
    const root = path.dirname(require.resolve(`${pkg}/package.json`));
    const names = fs.readdirSync(path.join(dir, pkg)).filter((f) => f.endsWith('.patch'));
    for (const name of names.sort()) {
      const diffs = parsePatch(fs.readFileSync(path.join(dir, pkg, name), 'utf8'));
      if (diffs.length === 0) throw new Error(`patches/${pkg}/${name}: no diff in it`);
      for (const diff of diffs) {
        const file = path.join(root, diff.newFileName.replace(/^b\//, ''));
        const list = byFile.get(file) ?? [];
        list.push({ name: `patches/${pkg}/${name}`, diff });
        byFile.set(file, list);
      }
    }
  }
  return byFile;
}

/** The plugin, and a check to call once every build is done. */
export function patchPackages(dir) {
  const byFile = readPatches(dir);
  const applied = new Set();
  const plugin = {
    name: 'patch-packages',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?js$/ }, (args) => {
        const patches = byFile.get(args.path);
        if (!patches) return undefined;
        let text = fs.readFileSync(args.path, 'utf8');
        for (const { name, diff } of patches) {
          const result = applyPatch(text, diff);
          if (result === false) throw new Error(`${name} does not apply to ${args.path}`);
          text = result;
          applied.add(args.path);
        }
        return { contents: text, loader: 'js' };
      });
    },
  };
  const assertAllApplied = () => {
    const missed = [...byFile].filter(([file]) => !applied.has(file));
    if (missed.length > 0) {
      const names = missed.flatMap(([, list]) => list.map((p) => p.name));
      throw new Error(`patches never applied (their files were not bundled): ${names}`);
    }
  };
  return { plugin, assertAllApplied };
}
