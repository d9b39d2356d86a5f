import { LRUCache } from 'lru-cache'
import { NexoraError } from '../../core/index.ts'
import type { DeidKey, HmacSha256 } from './types.ts'

/** Synchronous access to HMAC digests prepared ahead (WebCrypto is async; operators are not). */
export interface Keyed {
  digest(label: string): Uint8Array
}

const encoder = new TextEncoder()
const ZERO = new Uint8Array(32)

/**
 * Records which labels a pass needs and answers zeros. Operators run once with it, then the labels
 * are HMACed in one batch, then operators run again for real: one code path, no per-span await.
 */
export class LabelRecorder implements Keyed {
  readonly labels = new Set<string>()
  digest(label: string): Uint8Array {
    this.labels.add(label)
    return ZERO
  }
}

const imported = new Map<string, Promise<KeyedHmac>>()
const importedKeys = new WeakMap<CryptoKey, KeyedHmac>()
const syncInstances = new WeakMap<HmacSha256, Map<string, KeyedHmac>>()
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

/**
 * HMAC-SHA-256 under the de-identification key. One instance per key is kept for the process,
 * and so are its digests (bounded LRU): a surrogate depends only on the key and the value, so
 * names and ids that recur across notes cost one WebCrypto round trip, not one per note.
 * @example
 * const keys = await KeyedHmac.create('a-secret-of-16-bytes-or-more')
 * await keys.prepare(['name\0john'])
 * keys.digest('name\0john') // 32 bytes, stable for this key
 */
export class KeyedHmac implements Keyed {
  private readonly cache = new LRUCache<string, Uint8Array>({ max: 200_000 })
  private constructor(
    private readonly key: CryptoKey | undefined,
    private readonly sync?: { hmac: HmacSha256; raw: Uint8Array },
  ) {}

  static async create(key: DeidKey, hmac?: HmacSha256): Promise<KeyedHmac> {
    if (hmac && (typeof key === 'string' || key instanceof Uint8Array)) {
      const raw = typeof key === 'string' ? encoder.encode(key) : key
      if (raw.byteLength < 16) throw new NexoraError('plugin.invalid', { detail: 'deid key must be at least 16 bytes' })
      // One instance per key and HMAC function: its digest cache is the point of keeping it.
      const perKey = syncInstances.get(hmac) ?? new Map<string, KeyedHmac>()
      syncInstances.set(hmac, perKey)
      const id = typeof key === 'string' ? `s:${key}` : `b:${hex(raw)}`
      let made = perKey.get(id)
      if (!made) {
        if (perKey.size >= 16) perKey.delete(perKey.keys().next().value!)
        made = new KeyedHmac(undefined, { hmac, raw })
        perKey.set(id, made)
      }
      return made
    }
    if (typeof key === 'object' && !(key instanceof Uint8Array)) {
      const known = importedKeys.get(key)
      if (known) return known
      const made = new KeyedHmac(key)
      importedKeys.set(key, made)
      return made
    }
    const raw = typeof key === 'string' ? encoder.encode(key) : key
    // A short key makes surrogates guessable by brute force over likely names and dates.
    if (raw.byteLength < 16) throw new NexoraError('plugin.invalid', { detail: 'deid key must be at least 16 bytes' })
    const id = typeof key === 'string' ? `s:${key}` : `b:${hex(raw)}`
    let pending = imported.get(id)
    if (!pending) {
      pending = crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']).then((k) => new KeyedHmac(k))
      pending.catch(() => imported.delete(id))
      // A handful of keys at most in practice; bound it anyway.
      if (imported.size >= 16) imported.delete(imported.keys().next().value!)
      imported.set(id, pending)
    }
    return pending
  }

  /** HMAC every label not yet cached, all at once. */
  async prepare(labels: Iterable<string>): Promise<void> {
    const missing = [...labels].filter((l) => !this.cache.has(l))
    if (this.sync) {
      for (const l of missing) this.cache.set(l, this.sync.hmac(this.sync.raw, encoder.encode(l)))
      return
    }
    const digests = await Promise.all(missing.map((l) => crypto.subtle.sign('HMAC', this.key!, encoder.encode(l))))
    missing.forEach((l, i) => this.cache.set(l, new Uint8Array(digests[i]!)))
  }

  /** True when digests can be computed on demand (a synchronous HMAC was given). */
  get synchronous(): boolean {
    return this.sync !== undefined
  }

  digest(label: string): Uint8Array {
    const d = this.cache.get(label)
    if (!d && this.sync) {
      const made = this.sync.hmac(this.sync.raw, encoder.encode(label))
      this.cache.set(label, made)
      return made
    }
    // Unreachable when the recording pass saw the same inputs; fail closed rather than emit zeros.
    if (!d) throw new NexoraError('internal', { detail: 'deid digest requested before it was prepared' })
    return d
  }
}

/**
 * Run a pure, synchronous transform twice: once recording the labels it needs, then for real
 * after one batched HMAC round. `fn` must be deterministic in its inputs.
 */
export async function withDigests<T>(keys: KeyedHmac, fn: (keyed: Keyed, final: boolean) => T): Promise<T> {
  // With a synchronous HMAC there is nothing to batch: one pass, digests computed as needed.
  if (keys.synchronous) return fn(keys, true)
  const recorder = new LabelRecorder()
  fn(recorder, false)
  await keys.prepare(recorder.labels)
  return fn(keys, true)
}
