import type { JWK } from 'jose'

/**
 * The public half of the DEMO model-signing key that signs the shipped demo models (models/),
 * so that `npm start` serves them with signatures checked like any other model's.
 *
 * ⚠ Its private half is committed (models/demo-signing-key.ts): anyone can sign anything with it.
 * A server trusts it only in dev mode (`production` off), and the browser adapter only when given no
 * keys of its own; a production server never does, so a demo-signed model does not serve there.
 */
export const DEMO_MODEL_KEY: Readonly<JWK> = Object.freeze({
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'dkDiBPl2HQ7F2w0zyYShYuscfi9ekFc5-ZpjDy4u7lA',
  kid: 'nexora-demo-models-not-for-production',
  alg: 'EdDSA',
  use: 'sig',
})
