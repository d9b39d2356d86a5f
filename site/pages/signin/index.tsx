import { useState } from 'react'
import { authorizationUrl, discover } from '../../auth/oauth.ts'
import { ErrorState } from '../../ui/states.tsx'

export interface SignInConfig {
  issuer: string
  clientId: string
  scope: string
}

/** The hash route to come back to after signing in (only the app's own routes). */
export const returnRoute = (hash: string) => (/^#\/[A-Za-z0-9\-._~%/]*$/.test(hash) ? hash : '#/patients')

/**
 * OIDC sign-in: authorization code + PKCE (S256) against the configured provider, found through
 * `<issuer>/.well-known/openid-configuration`; the provider sends the browser back to `/callback`
 * (pages/launch finishes there). Problems show by title, never as a stack.
 */
export default function SignIn({ config }: { config: SignInConfig }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  let provider = config.issuer
  try {
    provider = new URL(config.issuer).host
  } catch {
    /* shown as given */
  }

  async function signIn() {
    setBusy(true)
    setError(undefined)
    try {
      const endpoints = await discover('oidc', config.issuer)
      location.assign(
        await authorizationUrl({
          kind: 'oidc',
          endpoints,
          clientId: config.clientId,
          scope: config.scope,
          redirectUri: `${location.origin}/callback`,
          returnTo: returnRoute(location.hash),
          store: sessionStorage,
        }),
      )
    } catch (e) {
      setError(e)
      setBusy(false)
    }
  }

  return (
    <main id="main" className="page signin">
      <h1>Sign in to Nexora</h1>
      <p>Nexora uses your organisation's sign-in. You will come back here once signed in.</p>
      <button type="button" onClick={signIn} disabled={busy} aria-describedby={error ? 'signin-error' : undefined}>
        {busy ? 'Redirecting…' : `Sign in with ${provider}`}
      </button>
      {busy ? (
        <p className="state" role="status" aria-live="polite">
          Contacting {provider}…
        </p>
      ) : null}
      {error ? (
        <div id="signin-error">
          <ErrorState error={error} />
        </div>
      ) : null}
    </main>
  )
}
