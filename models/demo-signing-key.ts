/**
 * ⚠⚠⚠ DEMO KEY — PRIVATE HALF COMMITTED ON PURPOSE — NEVER TRUST IT IN PRODUCTION ⚠⚠⚠
 *
 * The private Ed25519 key that signs the shipped demo models (`npm run demo:sign`). It is public,
 * so a signature by it proves nothing about who made a model: it exists so that dev mode checks
 * demo models the same way production checks real ones. Servers trust its public half
 * (core/registry/demo-key.ts) only in dev mode. Sign your own models with a key of your own
 * (`nexora keys generate`), kept out of the repository.
 */
import type { JWK } from 'jose'
import { DEMO_MODEL_KEY } from '../core/registry/demo-key.ts'

export const DEMO_SIGNING_KEY: JWK = { ...DEMO_MODEL_KEY, d: 'GTD4SsowE7VRaunM3tH5E5fUNJabs_BI4sK2e5Iz42E' }
