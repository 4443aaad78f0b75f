import { describe, expect, it } from 'vitest';
import { isGitFolder } from '../../src/plan/places.js';

describe('isGitFolder', () => {
  it("is .git as every file system may read it: any case, HFS+'s ignored characters, NTFS's forms", () => {
    for (const part of [
      '.git',
      '.GIT',
      '.Git',
      '.git.',
      '.git ',
      '.g\u200cit',
      '\ufeff.git',
      'GIT~1',
    ])
      expect(isGitFolder(part), JSON.stringify(part)).toBe(true);
    for (const part of ['git', '.github', '.gitignore', '.git-x', 'x.git', '.gi', 'git~2', ''])
      expect(isGitFolder(part), JSON.stringify(part)).toBe(false);
  });
});
