// How alike two lines are, for alignment: the same, the same but for whitespace or the arch's own
// names, or sharing most of their words.
import { ARCHES, ARCH_FIELDS, DOWNLOAD_FIELDS } from '../arches/table.js';
import { squash } from './lines.js';

const WORD = /[A-Za-z0-9]+|[\s\u00a0]+|[^A-Za-z0-9\s\u00a0]/gu;

const tokenCache = new Map<string, string[]>();
/** Words, whitespace runs and single other characters: the units lines are compared in. */
export function tokens(line: string): string[] {
  let t = tokenCache.get(line);
  if (!t) {
    if (tokenCache.size > 50_000) tokenCache.clear();
    tokenCache.set(line, (t = line.match(WORD) ?? []));
  }
  return t;
}

// Words of each arch's names in every scheme (`aarch64`, `arm64`, `x64`…), too specific to be
// anything else; generic parts of triples (linux, gnu) and short ones (v7, 7) are left out.
const GENERIC = new Set(['linux', 'unknown', 'gnu', 'musl', 'gnueabihf', 'gnueabi', 'musleabihf']);
const ARCH_WORDS = new Map(
  ARCHES.map((a) => {
    const words = new Set<string>();
    for (const field of [...ARCH_FIELDS, ...DOWNLOAD_FIELDS])
      for (const w of a[field].split(/[^A-Za-z0-9_]+/))
        for (const part of [w, ...w.split('_')])
          if (part.length >= 3 && !GENERIC.has(part.toLowerCase())) words.add(part.toLowerCase());
    return [a.name, words];
  }),
);

/** The line with its arch's own names replaced by one mark: variants of one line then agree. */
export function withoutArch(line: string, arch: string): string {
  const words = ARCH_WORDS.get(arch);
  if (!words) return line;
  return line.replace(/[A-Za-z0-9_]+/g, (w) =>
    words.has(w.toLowerCase())
      ? '\u0000'
      : w.replace(/[A-Za-z0-9]+/g, (p) => (words.has(p.toLowerCase()) ? '\u0000' : p)),
  );
}

/** The length of the longest common subsequence of two token lists. */
export function lcsLength(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Uint16Array(b.length + 1);
  let next = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++)
      next[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], next[j - 1]);
    [prev, next] = [next, prev];
  }
  return prev[b.length];
}

const meaningful = (t: string[]) => t.filter((w) => !/^[\s\u00a0]+$/.test(w));

/** What comparing a line needs, computed once per line and arch. */
interface Profile {
  text: string;
  squashed: string;
  plain: string; // the arch's names replaced, whitespace squashed
  words: string[];
  bag: Map<string, number>;
}

const profiles = new Map<string, Profile>();
export function profile(line: string, arch: string): Profile {
  const key = `${arch}\u0000${line}`;
  let p = profiles.get(key);
  if (!p) {
    if (profiles.size > 50_000) profiles.clear();
    const plain = squash(withoutArch(line, arch));
    const words = meaningful(tokens(plain));
    const bag = new Map<string, number>();
    for (const w of words) bag.set(w, (bag.get(w) ?? 0) + 1);
    p = { text: line, squashed: squash(line), plain, words, bag };
    profiles.set(key, p);
  }
  return p;
}

/**
 * 1 for the same line; just under for the same but for whitespace or arch names; else the share of
 * words in common (Dice over their longest common subsequence), 0 below a half.
 */
export function similarity(a: string, archA: string, b: string, archB: string): number {
  if (a === b) return 1;
  return likeness(profile(a, archA), profile(b, archB));
}

export function likeness(a: Profile, b: Profile): number {
  if (a.text === b.text) return 1;
  if (a.squashed === b.squashed) return 0.97;
  if (a.plain === b.plain) return 0.95;
  // Two FROM lines that name the same stage (or none) where nothing better pairs: that stage's
  // start on another image.
  const stage = (p: Profile) => FROM.exec(p.squashed)?.[1]?.toLowerCase() ?? '';
  if (FROM.test(a.squashed) && FROM.test(b.squashed) && stage(a) === stage(b))
    return Math.max(0.5, wordsLikeness(a, b));
  return wordsLikeness(a, b);
}

const FROM = /^FROM\s(?:.*\sAS\s+(\S+))?/i;

function wordsLikeness(a: Profile, b: Profile): number {
  const total = a.words.length + b.words.length;
  if (total === 0) return 0;
  // A bag of words bounds the common subsequence from above: most pairs stop here.
  const small = a.bag.size <= b.bag.size ? a.bag : b.bag;
  const large = small === a.bag ? b.bag : a.bag;
  let common = 0;
  for (const [w, n] of small) common += Math.min(n, large.get(w) ?? 0);
  if ((2 * common) / total < 0.5) return 0;
  const score = (2 * lcsLength(a.words, b.words)) / total;
  return score >= 0.5 ? Math.min(score, 0.94) : 0;
}
