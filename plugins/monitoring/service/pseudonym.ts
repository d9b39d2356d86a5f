import { KeyedHmac, type DeidKey, type HmacSha256 } from '../../deid/index.ts'

/** `123` and `Patient/123` are the same patient: keys are taken over the reference form. */
export const patientReference = (ref: string) => (ref.includes('/') ? ref : `Patient/${ref}`)

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

/**
 * Pseudonymous subject keys: hex HMAC-SHA-256 of the patient reference under the monitoring key.
 * The same patient gets the same key across predictions and outcomes (so they join), and without
 * the key nobody can go from a key back to a patient or test a guess.
 */
export interface Pseudonyms {
  keys(refs: string[]): Promise<Map<string, string>>
}

/** A separate label space from de-identification's, so the two never share a surrogate. */
const label = (ref: string) => `monitoring\0${patientReference(ref)}`

export async function createPseudonyms(key: DeidKey, hmac?: HmacSha256): Promise<Pseudonyms> {
  const keyed = await KeyedHmac.create(key, hmac)
  return {
    async keys(refs) {
      const unique = [...new Set(refs)]
      await keyed.prepare(unique.map(label))
      return new Map(unique.map((ref) => [ref, hex(keyed.digest(label(ref)))]))
    },
  }
}
