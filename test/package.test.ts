// What a company's legal check and a newcomer's `npm ci` read first: the licence and the install.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('package', () => {
  it('ships the licence that package.json names', () => {
    expect(pkg.license).toBe('MIT');
    const text = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
    expect(text.split('\n')[0]).toBe('MIT License');
  });

  it("runs no dependency's install script: esbuild works from its platform package alone", () => {
    // npm 11 warns about every install script not yet approved or denied; esbuild's only checks
    // and re-links the binary that its optional platform package already holds.
    expect(pkg.allowScripts).toEqual({ esbuild: false });
  });
});
