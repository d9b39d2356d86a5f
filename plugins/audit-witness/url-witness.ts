import type { CheckpointWitness } from '../../core/index.ts'

export interface UrlWitnessOptions {
  /** Sent as `Authorization: Bearer …`, only ever to this URL (redirects are refused, not followed). */
  token?: string
  fetch?: typeof fetch
}

/**
 * A witness service over HTTP: each signed checkpoint is POSTed as `application/jose`, and a GET
 * of the same URL returns every one held, one compact JWS per line. Any store that keeps what it
 * is sent (an append-only bucket behind a small function, another organisation's log) will do.
 * @example
 * urlWitness('https://witness.example.org/nexora/checkpoints', { token: process.env.WITNESS_TOKEN })
 */
export function urlWitness(url: string, options: UrlWitnessOptions = {}): CheckpointWitness {
  const target = new URL(url)
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new TypeError('a witness URL is http(s)')
  const send = options.fetch ?? fetch
  const headers = (extra: Record<string, string>) => ({ ...extra, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) })
  const call = async (init: RequestInit) => {
    // `redirect: 'manual'`: the token goes to the configured URL and nowhere else.
    const res = await send(target, { ...init, redirect: 'manual', signal: AbortSignal.timeout(10_000) })
    if (!res.ok) throw new Error(`witness answered ${res.status}`)
    return res
  }
  return {
    name: target.origin,
    async publish(checkpoint) {
      await (await call({ method: 'POST', headers: headers({ 'content-type': 'application/jose' }), body: checkpoint.jws })).body?.cancel()
    },
    async list() {
      const text = await (await call({ method: 'GET', headers: headers({ accept: 'application/jose' }) })).text()
      return text
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
    },
  }
}
