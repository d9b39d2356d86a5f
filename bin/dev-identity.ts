/** Dev mode's identity for `nexora serve`: the one the Deno and Bun adapters use too (plugins/auth-jwt/node.ts). */
export { DEV_AUDIENCE, DEV_ISSUER, issueDevToken, loadOrCreateDevIdentity, type DevIdentity } from '../plugins/auth-jwt/node.ts'
