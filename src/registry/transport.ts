// One HTTP request to a registry, with the manners of §12: a timeout per request, at most N in
// flight, retries with backoff on 429/5xx/reset honouring Retry-After, proxies from the env.
import type { Dispatcher } from 'undici';
import { undici } from '../core/libs.js';
import { proxyFor } from './proxy.js';

export interface TransportOptions {
  timeoutMs: number;
  env: Record<string, string | undefined>;
  maxInFlight?: number; // default 8
  retries?: number; // default 3
  sleep?: (ms: number) => Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** Why a request got no answer: down, slow, or kept failing. Never holds a credential. */
export class TransportError extends Error {}

const RETRY_STATUS = (s: number) => s === 429 || (s >= 500 && s !== 501);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);
const MAX_BODY = 16 << 20; // manifests and image configs are small; anything bigger is not one
const MAX_WAIT_MS = 60_000; // a Retry-After longer than this is a refusal, not a pause

export type Fetch = (
  url: string,
  init: RequestInit & { dispatcher?: Dispatcher },
) => Promise<Response>;

export class Transport {
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  private readonly dispatchers = new Map<string, Dispatcher>(); // by proxy URL, "" for none

  constructor(private readonly options: TransportOptions) {}

  /** One logical request: its attempts, backoff and Retry-After waits all end by one deadline,
   * --timeout after its first attempt starts; a wait that would pass it fails at once. */
  async request(
    url: string,
    init: { method: 'GET' | 'HEAD'; headers: Record<string, string> },
  ): Promise<Answer> {
    const fetch = undici().fetch as unknown as Fetch;
    const dispatcher = this.dispatcher(proxyFor(url, this.options.env) ?? '');
    const retries = this.options.retries ?? 3;
    const seconds = this.options.timeoutMs / 1000;
    let deadline = Infinity;
    for (let attempt = 0; ; attempt++) {
      let answer: Answer | undefined;
      let failure = '';
      try {
        answer = await this.limited(() => {
          if (deadline === Infinity) deadline = Date.now() + this.options.timeoutMs;
          return this.once(fetch, url, { ...init, dispatcher }, deadline - Date.now());
        });
      } catch (e) {
        const code = errorCode(e);
        if (code === 'timeout') throw new TransportError(`no answer within ${seconds} s`);
        // refused or not found: fail fast, no retry
        if (!RESET.has(code) || attempt >= retries) throw new TransportError(describe(code));
        failure = describe(code);
      }
      if (answer && (!RETRY_STATUS(answer.status) || attempt >= retries)) return answer;
      const asked = answer && retryAfterMs(answer.headers.get('retry-after'));
      const wait = asked ?? backoffMs(attempt);
      const why = answer ? `answered ${answer.status}` : failure;
      if (asked !== undefined && (wait > MAX_WAIT_MS || Date.now() + wait > deadline))
        throw new TransportError(
          `${why} and asks to wait ${Math.round(wait / 1000)} s` +
            (wait > MAX_WAIT_MS ? '' : `, past the timeout of ${seconds} s`),
        );
      if (Date.now() + wait > deadline)
        throw new TransportError(
          `${why}, and another try in ${wait / 1000} s would pass the timeout of ${seconds} s`,
        );
      await (this.options.sleep ?? sleep)(wait);
    }
  }

  private async once(
    fetch: Fetch,
    url: string,
    init: RequestInit & { dispatcher: Dispatcher },
    remainingMs: number,
  ): Promise<Answer> {
    if (remainingMs <= 0) throw Object.assign(new Error('deadline'), { name: 'TimeoutError' });
    // Covers the body too: an answer that stalls halfway times out.
    const signal = AbortSignal.timeout(remainingMs);
    const res = await fetch(url, { ...init, signal, redirect: 'follow' });
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_BODY) {
      await res.body?.cancel().catch(() => {});
      throw tooLarge();
    }
    const body = init.method === 'HEAD' ? Buffer.alloc(0) : await readBounded(res.body, MAX_BODY);
    return { status: res.status, headers: res.headers, body };
  }

  /** At most maxInFlight requests at once, across every registry of the run. */
  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inFlight >= (this.options.maxInFlight ?? 8))
      await new Promise<void>((resolve) => this.queue.push(resolve));
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
      this.queue.shift()?.();
    }
  }

  private dispatcher(proxy: string): Dispatcher {
    let d = this.dispatchers.get(proxy);
    if (!d)
      this.dispatchers.set(
        proxy,
        (d = proxy ? new (undici().ProxyAgent)(proxy) : new (undici().Agent)()),
      );
    return d;
  }

  async close(): Promise<void> {
    await Promise.all([...this.dispatchers.values()].map((d) => d.close()));
  }
}

const tooLarge = () => Object.assign(new Error('answer too large'), { code: 'TOO_LARGE' });

/** A body, bounded by the bytes read whether or not a length was sent: past `limit`, the stream is
 * cancelled (an endless chunked answer ends here, not in memory). */
async function readBounded(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const backoffMs = (attempt: number) => 500 * 2 ** attempt;

/** `Retry-After: 3` or an HTTP date, in milliseconds. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function errorCode(e: unknown): string {
  const err = e as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (
    err?.name === 'TimeoutError' ||
    err?.cause?.name === 'TimeoutError' ||
    err?.name === 'AbortError'
  )
    return 'timeout';
  return err?.cause?.code ?? err?.code ?? 'UNKNOWN';
}

function describe(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'TOO_LARGE':
      return 'answer too large for a manifest';
    default:
      return RESET.has(code) ? 'connection reset' : `cannot connect (${code})`;
  }
}
