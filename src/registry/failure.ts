// Why a reference could not be resolved, as the lock step reports it (XDF070-073).

export type FailureKind = 'not-found' | 'no-platform' | 'wrong-platform' | 'unreachable';

/** Why a reference could not be resolved; `domain` names the registry, never a credential. Text
 * the registry sent is in the message only as data (shown). */
export class RegistryFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly domain: string,
    message: string,
    readonly detail: { platforms?: string[]; found?: string; hint?: string } = {},
  ) {
    super(message);
  }
}

/** The registry is down, slow, refused us, or answered what no registry may (XDF073). */
export function unreachable(ref: { domain: string }, why: string, hint?: string): RegistryFailure {
  return new RegistryFailure('unreachable', ref.domain, `registry ${ref.domain} ${why}`, { hint });
}
