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

// One grammar (docs/architecture.md, "One grammar"): distribution/reference's (regexp.go) for
// names, domains and tags, and the OCI digest grammar (`algorithm:encoded`) limited to the
// algorithms registries serve, each with its exact length in lowercase hex (go-digest refuses the
// others too). Image mapping, the config's checks, the matrix, the registry client and xdf.lock
// all ask here.
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`; // IPv4 included
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})';
// An OCI platform as xdf writes it: os/architecture[/variant] (linux/arm/v7).
const PLATFORM = '[a-z0-9]+/[a-z0-9_]+(?:/[a-z0-9]+)?';
const anchored = (pattern: string) => new RegExp(`^${pattern}$`);
const GRAMMAR = {
  pathComponent: anchored(PATH_COMPONENT),
  remoteName: anchored(REMOTE_NAME),
  domain: anchored(DOMAIN_AND_PORT),
  tag: anchored(TAG),
  digest: anchored(DIGEST),
  platform: anchored(PLATFORM),
};
/** distribution/reference's RepositoryNameTotalLengthMax. */
export const REPOSITORY_MAX = 255;

export const isPathComponent = (text: string) => GRAMMAR.pathComponent.test(text);
/** A registry: a host name, IPv4 or bracketed IPv6 address, with an optional port. */
export const isDomain = (text: string) => GRAMMAR.domain.test(text);
export const isTag = (text: string) => GRAMMAR.tag.test(text);
/** `sha256:` and 64 lowercase hex digits, or `sha512:` and 128; nothing else. */
export const isDigest = (value: unknown): value is string =>
  typeof value === 'string' && GRAMMAR.digest.test(value);
export const isPlatform = (value: unknown): value is string =>
  typeof value === 'string' && GRAMMAR.platform.test(value);

export interface ReferenceRules {
  /** Build variables (`${GO}`) kept for docker to expand: allowed in FROM lines and rewrites. */
  variables: boolean;
}

/** Why a full reference (`[registry/]name[:tag][@digest]`) is not one docker accepts, or undefined.
 * */
export function referenceProblem(
  text: string,
  rules: ReferenceRules = { variables: true },
): string | undefined {
  if (/[\s\p{Cc}]/u.test(text)) return 'it contains a space or a line break';
  if (!rules.variables && hasVariable(text)) return 'a build variable ($…) cannot stand here';
  const ref = parseImageRef(text);
  const repository = ref.registry ? `${ref.registry}/${ref.name}` : ref.name;
  const variable = (part: string) => rules.variables && hasVariable(part);
  // Only literal parts are checked: a variable is docker's to expand.
  if (variable(repository)) return undefined;
  if ((ref.registry && !isDomain(ref.registry)) || !GRAMMAR.remoteName.test(ref.name)) {
    return /[A-Z]/.test(ref.name)
      ? 'a repository name must be lowercase'
      : `"${repository}" is not a repository name`;
  }
  if (ref.name.length > REPOSITORY_MAX)
    return `the repository name is longer than ${REPOSITORY_MAX} characters`;
  if (ref.tag && !variable(ref.tag) && !isTag(ref.tag))
    return (
      `"${ref.tag}" is not a tag (letters, digits, _ . -, at most 128, not starting with . ` +
      `or -)`
    );
  if (ref.digest && !variable(ref.digest) && !isDigest(ref.digest))
    return `"${ref.digest}" is not a digest (sha256:<64 hex digits>)`;
  // `python:` or `python@`: an empty tag or digest is no reference either
  if (formatImageRef(ref) !== text) return `"${text}" is not an image reference`;
  return undefined;
}

/** A reference with no variable, every part of the grammar: what a registry can be asked for and
 * xdf.lock can hold. */
export const isLiteralReference = (text: string) =>
  referenceProblem(text, { variables: false }) === undefined;
