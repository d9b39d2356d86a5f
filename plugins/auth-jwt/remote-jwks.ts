import type { JSONWebKeySet } from 'jose'
import { NexoraError, type Clock } from '../../core/index.ts'

export interface RemoteJwksOptions {
  url: string
  fetch?: typeof fetch
  clock: Clock
  /** Used when the response has no Cache-Control max-age. Default 10 minutes. */
  defaultMaxAgeMs?: number
  /** At most one refetch per this interval for an unknown `kid`, so a flood of forged kids cannot hammer the issuer. Default 30 s. */
  cooldownMs?: number
}

export interface KeySetSource {
  /** The current key set (fetched, or from cache while fresh). */
  get(): Promise<JSONWebKeySet>
  /** Refetch now if the cooldown allows (a token named a kid we do not have); true if refetched. */
  refreshForUnknownKid(): Promise<boolean>
}

function maxAgeMs(cacheControl: string | null): number | undefined {
  if (!cacheControl || /no-store|no-cache/.test(cacheControl)) return cacheControl ? 0 : undefined
  const match = /max-age=(\d+)/.exec(cacheControl)
  return match ? Number(match[1]) * 1000 : undefined
}

/**
 * A JWKS fetched by URL and cached for as long as its Cache-Control `max-age` allows,
 * refetched early when a token names an unknown `kid` (issuers rotate keys), with concurrent
 * callers sharing one fetch.
 */
export function remoteJwks(options: RemoteJwksOptions): KeySetSource {
  const doFetch = options.fetch ?? fetch
  let cached: { keys: JSONWebKeySet; expires: number; fetchedAt: number } | undefined
  let inflight: Promise<JSONWebKeySet> | undefined

  const load = () =>
    (inflight ??= (async () => {
      try {
        const res = await doFetch(options.url, { headers: { accept: 'application/json' } })
        if (!res.ok) throw new Error(`JWKS fetch answered ${res.status}`)
        const keys = (await res.json()) as JSONWebKeySet
        if (!Array.isArray(keys?.keys)) throw new Error('JWKS has no keys array')
        const now = options.clock.now()
        cached = { keys, fetchedAt: now, expires: now + (maxAgeMs(res.headers.get('cache-control')) ?? options.defaultMaxAgeMs ?? 600_000) }
        return keys
      } catch (cause) {
        throw new NexoraError('auth.unauthenticated', { detail: 'token.jwks_unavailable', cause })
      } finally {
        inflight = undefined
      }
    })())

  return {
    async get() {
      if (cached && cached.expires > options.clock.now()) return cached.keys
      // A stale set still serves if the issuer is briefly unreachable.
      return load().catch((error) => {
        if (cached) return cached.keys
        throw error
      })
    },
    async refreshForUnknownKid() {
      if (cached && options.clock.now() - cached.fetchedAt < (options.cooldownMs ?? 30_000)) return false
      await load()
      return true
    },
  }
}
