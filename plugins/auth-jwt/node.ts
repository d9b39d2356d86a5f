/**
 * The plugin's second public entry, for server runtimes with node:fs (Node, Deno, Bun): how a
 * server authenticates, and dev mode's identity. Kept out of index.ts so a Worker or browser
 * bundle never reaches node:fs; only adapters/ and bin/ import it (the dependency rules say so).
 *
 * @example
 * import { loadOrCreateDevIdentity } from 'nexora/plugins/auth-jwt/node'
 * const dev = await loadOrCreateDevIdentity('./data')
 */
export * from './server-auth.ts'
export * from './dev-identity.ts'
