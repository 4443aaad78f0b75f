// The values of `images:` that reach a Dockerfile, checked against docker's reference grammar at
// their config line (docs/architecture.md, "Values that reach a Dockerfile are checked").
import type { Problem } from '../core/errors.js';
import { isDigest, isTag, referenceProblem } from '../reference/reference.js';
import type { Pin } from './types.js';

export type At = (
  dotPath: string,
  which?: 'key' | 'value',
) => { file?: string; line?: number; column?: number };

export const lineBreak = (key: string, where: ReturnType<At>): Problem => ({
  code: 'XDF013',
  message: `${key}: a line break here would reach the Dockerfile as a new instruction`,
  hint: 'write the value on one line',
  ...where,
});

/** Every value of an image rule that reaches a Dockerfile, against docker's grammar.
 * */
export function checkImageRule(
  key: string,
  raw: Record<string, unknown>,
  problems: Problem[],
  at: At,
): void {
  // Globs may stand anywhere, a port included (127.0.0.1:*/team/app): check the literal rest.
  const slash = key.indexOf('/');
  const first = slash === -1 ? '' : key.slice(0, slash);
  const registry = /[.:*?]|^localhost$/.test(first) ? first : '';
  const name = registry ? key.slice(slash + 1) : key;
  const keyProblem = /[:@]/.test(name)
    ? 'a key names a repository, without tag or digest'
    : referenceProblem(
        `${registry ? `${registry.replace(/[*?]/g, '0')}/` : ''}${name.replace(/[*?]/g, 'x')}`,
        { variables: false }, // a key names an image as written, never a build variable
      );
  if (keyProblem) {
    problems.push({
      code: 'XDF013',
      message: `images.${key}: not an image name: ${keyProblem}`,
      hint:
        'key images: by repository (python, myorg/app, registry.example.com:5000/base) or a ' +
        'glob (myorg/*)',
      ...at(`images.${key}`, 'key'),
    });
  }
  for (const [archKey, pin] of Object.entries(raw)) {
    if (['strategy', 'rewrite', 'exclude'].includes(archKey) || !pin || typeof pin !== 'object')
      continue;
    const p = pin as Pin;
    const base = `images.${key}.${archKey}`;
    if (typeof p.tag === 'string' && !isTag(p.tag)) {
      problems.push({
        code: 'XDF013',
        message: `${base}.tag: ${JSON.stringify(p.tag)} is not a docker tag`,
        hint:
          'a tag is letters, digits, _ . - (at most 128, not starting with . or -): ' +
          '"1.10-alpine3.7"',
        ...at(`${base}.tag`),
      });
    }
    if (typeof p.digest === 'string' && !isDigest(p.digest)) {
      problems.push({
        code: 'XDF013',
        message: `${base}.digest: ${JSON.stringify(p.digest)} is not a digest`,
        hint: 'write the digest as sha256:<64 hex digits>',
        ...at(`${base}.digest`),
      });
    }
    const imageProblem =
      typeof p.image === 'string' ? referenceProblem(p.image, { variables: false }) : undefined;
    if (imageProblem) {
      problems.push({
        code: 'XDF013',
        message:
          `${base}.image: ${JSON.stringify(p.image)} is not an image reference: ` +
          `${imageProblem}`,
        hint: 'write the whole reference for this arch: multiarch/debian-debootstrap:arm64-buster',
        ...at(`${base}.image`),
      });
    }
    if (typeof p.reason === 'string' && /[\r\n]/.test(p.reason.trimEnd()))
      problems.push(lineBreak(`${base}.reason`, at(`${base}.reason`)));
  }
}

// A folded YAML scalar (`reason: >`) ends with a line break that is no part of the reason.
export const oneLineReason = (pin: Pin): Pin =>
  typeof pin.reason === 'string' ? { ...pin, reason: pin.reason.trimEnd() } : pin;
