import { useEffect, useRef, useState } from 'react'
import { ApiError } from '../../api/client.ts'
import { fetchUiConfig, sameBase } from '../../auth/config.ts'
import { authorizationUrl, callbackError, discover, exchangeCode, FHIR_ID, takePending, type AuthKind } from '../../auth/oauth.ts'
import { startSession } from '../../session.ts'
import { ErrorState, Loading } from '../../ui/states.tsx'

/**
 * `/launch` and `/callback`. A SMART on FHIR EHR launch (`/launch?iss=…&launch=…`): the EHR's
 * `.well-known/smart-configuration`, then its authorize endpoint with PKCE, the `launch` and
 * `aud=iss`. Back at `/callback` (which the OIDC sign-in shares: the stored `state` says which
 * flow it was) the code is exchanged, the token starts the session, and a launch opens the
 * patient the EHR had open (`#/patients/<id>`); a sign-in goes back where it started.
 */
export default function Launch() {
  const [failure, setFailure] = useState<{ kind: AuthKind | undefined; error: unknown }>()
  const started = useRef(false)
  useEffect(() => {
    if (started.current) return
    started.current = true
    const params = new URLSearchParams(location.search)
    const run = location.pathname === '/launch' ? startLaunch(params) : finishCallback(params)
    run.catch((error: unknown) =>
      setFailure({
        kind: error instanceof FlowError ? error.kind : location.pathname === '/launch' ? 'smart' : undefined,
        error: error instanceof FlowError ? error.cause : error,
      }),
    )
  }, [])

  if (!failure)
    return (
      <main id="main" className="page">
        <Loading label={location.pathname === '/launch' ? 'Connecting to the EHR…' : 'Finishing sign-in…'} />
      </main>
    )
  return (
    <main id="main" className="page">
      <h1>{failure.kind === 'oidc' ? 'Sign-in did not work' : 'The EHR launch did not work'}</h1>
      <ErrorState error={failure.error} />
      <p>
        {failure.kind === 'oidc' ? (
          <a href="/">Try signing in again</a>
        ) : (
          <>
            Open Nexora again from the EHR, or <a href="/">go to Nexora</a>.
          </>
        )}
      </p>
    </main>
  )
}

/** An error with the flow it belongs to (so the page can say "sign-in" or "launch"). */
class FlowError extends Error {
  constructor(
    readonly kind: AuthKind | undefined,
    override readonly cause: unknown,
  ) {
    super('flow')
  }
}

async function startLaunch(params: URLSearchParams) {
  const iss = params.get('iss') ?? ''
  const launch = params.get('launch') ?? ''
  if (!iss || !launch) throw new ApiError(400, 'The launch link is incomplete', undefined, 'it needs both iss and launch')
  let issUrl: URL
  try {
    issUrl = new URL(iss)
  } catch {
    throw new ApiError(400, 'The launch link names an invalid FHIR server')
  }
  if (issUrl.protocol !== 'https:' && issUrl.protocol !== 'http:') throw new ApiError(400, 'The launch link names an invalid FHIR server')
  const config = await fetchUiConfig()
  if (!config.smart) throw new ApiError(400, 'This Nexora server is not set up for EHR launches')
  // Only EHRs Nexora trusts: their tokens are the only ones its API accepts (and the app may only call them).
  if (!config.smart.issuers.some((trusted) => sameBase(trusted, iss))) throw new ApiError(403, 'This EHR is not one Nexora trusts')
  const endpoints = await discover('smart', iss)
  location.assign(
    await authorizationUrl({
      kind: 'smart',
      endpoints,
      clientId: config.smart.clientId,
      scope: config.smart.scope,
      redirectUri: `${location.origin}/callback`,
      params: { launch, aud: iss },
      iss,
      store: sessionStorage,
    }),
  )
}

async function finishCallback(params: URLSearchParams) {
  const pending = takePending(sessionStorage, params.get('state') ?? '')
  const kind = pending?.kind
  try {
    if (!pending) throw new ApiError(400, 'This sign-in has expired or was already used', undefined, 'start again from Nexora or the EHR')
    if (params.has('error')) throw callbackError(kind, params)
    const code = params.get('code')
    if (!code) throw new ApiError(400, 'The authorization server sent no code')
    const token = await exchangeCode(pending, code)
    startSession(token.access_token)
    // Leave /callback (its code is spent) before opening the app's own routes.
    history.replaceState(null, '', '/')
    if (kind === 'smart') location.hash = token.patient && FHIR_ID.test(token.patient) ? `#/patients/${encodeURIComponent(token.patient)}` : '#/patients'
    else location.hash = pending.returnTo ?? '#/patients'
  } catch (error) {
    throw new FlowError(kind, error)
  }
}
