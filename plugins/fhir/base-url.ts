import { NexoraError } from '../../core/index.ts'

/**
 * The one rule for every URL the FHIR client fetches with its credentials: it must lie on the
 * configured base URL (same origin, and the base path as a whole-segment prefix). A FHIR server
 * answers `Bundle.link[next]`, redirects and references; any of them may name another host, and
 * following one would hand that host the backend token. Parsing is WHATWG `URL`, so `..`,
 * `%2e%2e` and backslashes are resolved before the check; an encoded slash or backslash left in
 * the path is refused, because some servers decode it into a separator after routing.
 */
export interface BaseUrl {
  /** The base without a trailing slash, e.g. `https://ehr.example/fhir`. */
  readonly href: string
  readonly origin: string
  /** The base path with a trailing slash, e.g. `/fhir/`. */
  readonly path: string
}

/** Parse a configured base URL (http or https, no credentials, query or fragment). */
export function baseUrl(configured: string): BaseUrl {
  let url: URL
  try {
    url = new URL(configured)
  } catch {
    throw new NexoraError('plugin.invalid', { detail: 'the FHIR base URL is not an absolute URL' })
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash) {
    throw new NexoraError('plugin.invalid', { detail: 'the FHIR base URL must be http(s), without credentials, query or fragment' })
  }
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`
  return { href: `${url.origin}${path}`.replace(/\/$/, ''), origin: url.origin, path }
}

const ENCODED_SEPARATOR = /%2f|%5c/i

/**
 * `link` resolved against `from` (default: the base itself), if it lies on the base URL; else
 * `fhir.untrusted_link`. `what` says which kind of link it was; the link itself is never put in
 * the error, since its query can hold search parameters (patient ids).
 * @example
 * onBase(baseUrl('https://ehr.example/fhir'), 'Observation?page=2') // 'https://ehr.example/fhir/Observation?page=2'
 * onBase(base, 'https://elsewhere.example/fhir/Observation') // throws fhir.untrusted_link
 * `scope: 'origin'` loosens the path rule to the same host: Bulk Data servers put status URLs and
 * files beside the FHIR base (`https://ehr.example/output/…`), and the IG sends them the token.
 */
export function onBase(base: BaseUrl, link: string, what = 'a link', from = `${base.href}/`, scope: 'base' | 'origin' = 'base'): string {
  let url: URL | undefined
  try {
    url = new URL(link, from)
  } catch {
    url = undefined
  }
  const trusted =
    url !== undefined &&
    !url.username &&
    !url.password &&
    url.origin === base.origin &&
    (scope === 'origin' || url.pathname.startsWith(base.path)) &&
    !ENCODED_SEPARATOR.test(url.pathname)
  if (!trusted) throw new NexoraError('fhir.untrusted_link', { detail: `${what} is not on the FHIR server's base URL; it was not followed` })
  return url!.href
}
