import { setToken } from './api/client.ts'
import { fetchUiConfig, type UiConfig } from './auth/config.ts'

/** Who is signed in: the bearer token the API client sends, and the scopes it carries. */
export interface Session {
  token: string
  subject: string
  scopes: string[]
}

const KEY = 'nexora.session'

function decode(token: string): { sub?: string; scope?: string; exp?: number } {
  try {
    return JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')))
  } catch {
    return {}
  }
}

export function sessionFromToken(token: string): Session {
  const claims = decode(token)
  return { token, subject: claims.sub ?? 'unknown', scopes: (claims.scope ?? '').split(' ').filter(Boolean) }
}

/** Use a token (from dev mode, OIDC or a SMART launch) for every API call from now on. */
export function startSession(token: string): Session {
  sessionStorage.setItem(KEY, token)
  setToken(token)
  return sessionFromToken(token)
}

/**
 * Resume a session from this tab, or sign in: in dev mode the local dev identity is picked up
 * automatically; with OIDC the caller is sent to the provider (see pages/signin). A token from a
 * SMART launch or an OIDC sign-in (site/auth, pages/launch) is resumed like any other.
 */
export async function resumeSession(): Promise<Session | Extract<UiConfig, { signIn: 'oidc' }> | undefined> {
  const stored = sessionStorage.getItem(KEY)
  if (stored && (decode(stored).exp ?? 0) * 1000 > Date.now()) return startSession(stored)
  sessionStorage.removeItem(KEY)
  const config = await fetchUiConfig()
  if (config.signIn === 'dev') {
    const res = await fetch('/ui/dev-token')
    if (!res.ok) return undefined
    return startSession(((await res.json()) as { token: string }).token)
  }
  return config
}

export const hasScope = (s: Session, scope: string) => s.scopes.includes(scope) || s.scopes.includes('nexora/admin')
