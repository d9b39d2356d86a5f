import type { Caller } from './values.ts'

export type AuthenticatedCaller = Omit<Caller, 'via' | 'ip'>

/**
 * Turns a request's credentials into a Caller. Throws `auth.unauthenticated` (with a stable
 * reason code in `detail`) when they are missing or invalid.
 */
export interface Authenticator {
  authenticate(headers: Headers, options?: { replayProtection?: boolean; audience?: string }): Promise<AuthenticatedCaller>
}
