// The Authorization header a registry's challenge asks for: Basic with the user's credentials, or
// a Bearer token from the realm (anonymous or with them). The token is checked before it is sent.
import { tokenUrl, type Challenge } from './challenge.js';
import type { Credentials } from './credentials.js';
import { unreachable } from './failure.js';
import type { RemoteRef } from './reference.js';
import { TransportError, type Answer, type Transport } from './transport.js';

export interface AuthContext {
  transport: Transport;
  credentials: (domain: string) => Promise<Credentials | undefined>;
  /** Called when credentials are sent: a later 401 then means they were refused. */
  sent: () => void;
}

/** The Authorization header for a repository: a Bearer token from the realm, or Basic. */
export async function authorize(
  ref: RemoteRef,
  challenge: Challenge,
  context: AuthContext,
): Promise<string | undefined> {
  const credentials = await context.credentials(ref.domain);
  const basic =
    credentials &&
    `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  if (basic) context.sent();
  if (challenge.scheme === 'basic') {
    if (!basic)
      throw unreachable(
        ref,
        'needs a login',
        `docker login ${ref.domain}, or add its credentials to Docker's config.json`,
      );
    return basic;
  }
  if (!challenge.realm) throw unreachable(ref, 'sent a Bearer challenge without a realm');
  let realm: string;
  try {
    realm = tokenUrl(challenge, ref.repository);
  } catch {
    throw unreachable(ref, 'sent a Bearer challenge with a bad realm');
  }
  if (!/^https?:$/.test(new URL(realm).protocol))
    throw unreachable(ref, 'sent a Bearer challenge whose realm is not an HTTP(S) URL');
  let answer: Answer;
  try {
    answer = await context.transport.request(realm, {
      method: 'GET',
      headers: { 'user-agent': 'xdf', ...(basic ? { authorization: basic } : {}) },
    });
  } catch (e) {
    if (e instanceof TransportError)
      throw unreachable(ref, `token service cannot be reached: ${e.message}`);
    throw e;
  }
  if (answer.status === 401 || answer.status === 403)
    throw unreachable(
      ref,
      basic ? 'refused our credentials' : 'refused an anonymous token',
      `check the login for ${ref.domain} (docker login ${ref.domain})`,
    );
  const body = parseJson<{ token?: unknown; access_token?: unknown }>(answer.body);
  const token = body?.token ?? body?.access_token;
  if (answer.status !== 200 || !token)
    throw unreachable(ref, `token service answered ${answer.status} without a token`);
  // It goes into a header: text of the token grammar (RFC 6750's b64token), nothing else.
  if (typeof token !== 'string' || !/^[\w.~+/-]+=*$/.test(token) || token.length > 1 << 16)
    throw unreachable(ref, 'token service answered a token that is not one');
  return `Bearer ${token}`;
}

function parseJson<T>(body: Buffer): T | undefined {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
