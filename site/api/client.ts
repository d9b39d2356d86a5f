/**
 * The app's only way to the server: Nexora's own API, same origin, with the session's bearer
 * token. Every path the app calls is listed in API_PATHS, which a test holds against the server's
 * /openapi.json, so the client cannot drift from the API. Errors arrive as problem+json and are
 * surfaced by their `title` (never a stack trace).
 */
export const API_PATHS = [
  'GET /models',
  'GET /models/{name}',
  'GET /models/{name}/versions/{version}',
  'GET /models/{name}/source-attributes',
  'POST /models/{name}/versions/{version}/promote',
  'POST /models/{name}/versions/{version}/archive',
  'GET /models/{name}/lifecycle',
  'GET /models/{name}/timeline',
  'POST /models/{name}/versions/{version}/approve',
  'POST /models/{name}/versions/{version}/shadow',
  'POST /models/{name}/versions/{version}/canary',
  'POST /models/{name}/canary/advance',
  'POST /models/{name}/canary/rollback',
  'GET /monitoring/compare',
  'POST /predict',
  'POST /fhir/patient/{id}/predict',
  'GET /audit/events',
  'GET /audit/report',
  'POST /audit/verify',
  'GET /monitoring/performance',
  'GET /monitoring/fairness',
  'GET /monitoring/drift',
  'GET /monitoring/alerts',
  'GET /monitoring/estimated-performance',
  'GET /adverse-events',
  'POST /adverse-events',
  'POST /phi/detect',
  'POST /deidentify',
  'GET /jobs/population',
  'POST /jobs/population',
  'GET /jobs/population/{id}',
  'GET /jobs/population/{id}/scores',
  'POST /jobs/population/{id}/cancel',
  'GET /health',
  'GET /fhir/patients',
] as const

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly code?: string,
    readonly detail?: string,
  ) {
    super(title)
  }
}

export type Query = Record<string, string | number | boolean | undefined>

let token: string | undefined
/** Set by the session once signed in. */
export const setToken = (value: string | undefined) => {
  token = value
}

function url(path: string, query?: Query) {
  const u = new URL(path, location.origin)
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, String(v))
  return u.toString()
}

async function call<T>(method: string, path: string, init: { query?: Query; body?: unknown; accept?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: init.accept ?? 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(url(path, init.query), { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) })
  } catch {
    throw new ApiError(0, 'The server could not be reached')
  }
  const text = await res.text()
  const body = text ? safeJson(text) : undefined
  if (!res.ok) {
    // problem+json everywhere, except /fhir/* which answers a FHIR OperationOutcome.
    const problem = (body ?? {}) as {
      title?: string
      code?: string
      detail?: string
      issue?: { details?: { text?: string; coding?: { code?: string }[] }; diagnostics?: string }[]
    }
    const issue = problem.issue?.[0]
    const title = problem.title ?? issue?.details?.text ?? `Request failed (${res.status})`
    // An OperationOutcome's diagnostics repeat the title before the detail.
    const detail = problem.detail ?? (issue?.diagnostics?.startsWith(`${title}: `) ? issue.diagnostics.slice(title.length + 2) : undefined)
    throw new ApiError(res.status, title, problem.code ?? issue?.details?.coding?.[0]?.code, detail)
  }
  return (body ?? text) as T
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export const api = {
  get: <T>(path: string, query?: Query, accept?: string) => call<T>('GET', path, { query, accept }),
  post: <T>(path: string, body?: unknown, query?: Query) => call<T>('POST', path, { body, query }),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, { body }),
}
