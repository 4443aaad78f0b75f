// Docker image references as text: `[registry/]name[:tag][@digest]`, variables kept verbatim.

export interface ImageRef {
  registry: string; // "" when none (Docker Hub implied)
  name: string; // repository path without the registry: `library/python`, `myorg/app`
  tag: string; // "" when none
  digest: string; // "" when none, else `sha256:…`
}

/** Split a reference the way Docker does: the first path part is a registry if it has `.` or `:` or
 * is `localhost`. */
export function parseImageRef(text: string): ImageRef {
  let rest = text;
  let digest = '';
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry = '';
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon !== -1 && colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { registry, name: rest, tag, digest };
}

export function formatImageRef(ref: ImageRef): string {
  const registry = ref.registry ? `${ref.registry}/` : '';
  const tag = ref.tag ? `:${ref.tag}` : '';
  return `${registry}${ref.name}${tag}${ref.digest ? `@${ref.digest}` : ''}`;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** An official image: on Docker Hub, with no namespace or the `library/` one. */
export function isOfficial(ref: ImageRef): boolean {
  if (ref.registry && !DOCKER_HUB.has(ref.registry)) return false;
  return (
    !ref.name.includes('/') || (ref.name.startsWith('library/') && ref.name.split('/').length === 2)
  );
}

/** The official image's short name (`python` for `library/python`), else the name as written. */
export function shortName(ref: ImageRef): string {
  return isOfficial(ref) ? ref.name.replace(/^library\//, '') : ref.name;
}

/** The names a config key may use for this image: `python`, `library/python`,
 * `docker.io/library/python`, … */
export function imageKeys(ref: ImageRef): string[] {
  const full = ref.registry ? `${ref.registry}/${ref.name}` : ref.name;
  if (!isOfficial(ref)) return [full];
  const short = shortName(ref);
  return [short, `library/${short}`, `docker.io/library/${short}`, `docker.io/${short}`, full];
}

/** Does the text contain a build variable (`$X`, `${X}`)? Such parts are never guessed at. */
export function hasVariable(text: string): boolean {
  return text.includes('$');
}

// Docker's reference grammar (distribution/reference): what a registry and docker accept.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const REGISTRY = new RegExp(`^${DOMAIN}$`);
const NAME = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

export const isValidTag = (tag: string) => TAG.test(tag);
export const isValidDigest = (digest: string) => DIGEST.test(digest);

/** Why a full reference (`[registry/]name[:tag][@digest]`) is not one docker accepts, or undefined.
 * */
export function referenceProblem(text: string): string | undefined {
  if (/[\s\p{Cc}]/u.test(text)) return 'it contains a space or a line break';
  const ref = parseImageRef(text);
  const repository = ref.registry ? `${ref.registry}/${ref.name}` : ref.name;
  // Build variables (`${GO}`) are kept for docker to expand: only literal parts are checked.
  if (hasVariable(repository)) return undefined;
  if ((ref.registry && !REGISTRY.test(ref.registry)) || !NAME.test(ref.name)) {
    return /[A-Z]/.test(ref.name)
      ? 'a repository name must be lowercase'
      : `"${repository}" is not a repository name`;
  }
  if (repository.length > 255) return 'the repository name is longer than 255 characters';
  if (ref.tag && !hasVariable(ref.tag) && !TAG.test(ref.tag))
    return (
      `"${ref.tag}" is not a tag (letters, digits, _ . -, at most 128, not starting with . ` +
      `or -)`
    );
  if (ref.digest && !hasVariable(ref.digest) && !DIGEST.test(ref.digest))
    return `"${ref.digest}" is not a digest (sha256:<64 hex digits>)`;
  return undefined;
}
