/**
 * JSON with the two values the store ports carry that JSON cannot: bytes (model artifacts) and
 * sets (knownSubjects). Shared by the RPC worker (in workerd) and its Node client.
 */
const toBase64 = (bytes: Uint8Array) => {
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(text)
}
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

export const encode = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? { $bytes: toBase64(v) } : v instanceof Set ? { $set: [...v] } : v))

export const decode = (text: string): unknown =>
  JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && '$bytes' in v) return fromBase64((v as { $bytes: string }).$bytes)
    if (v && typeof v === 'object' && '$set' in v) return new Set((v as { $set: unknown[] }).$set)
    return v
  })

export type StorePort = 'modelStore' | 'auditSink' | 'predictionLog' | 'adverseEventStore' | 'rateLimitStore' | 'featureStore'

/** What the Node side asks the worker to do, always against one named D1 binding. */
export type RpcCall =
  | { db: string; op: 'call'; port: StorePort; instance?: string; method: string; args: unknown[] }
  | { db: string; op: 'migrate' }
  | { db: string; op: 'sql'; sql: string; params?: unknown[] }
  | { db: string; op: 'insertRows'; table: string; columns: string[]; rows: unknown[][] }

export type RpcReply = { value?: unknown } | { error: { message: string; code?: string; detail?: string } }
