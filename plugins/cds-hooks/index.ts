import { definePlugin, NexoraError, type FrontDoor } from '../../core/index.ts'
import { cdsAuthenticator } from './auth/authenticator.ts'
import type { TrustedClient } from './auth/key-sets.ts'
import { cdsError } from './operation-outcome.ts'
import { cdsHooksPolicies } from './policies.ts'
import { cdsHooksRoutes } from './routes.ts'
import { serviceCatalog } from './services.ts'

export interface CdsHooksOptions {
  /** This server's public base URL (`https://cds.example.org`): JWT audiences and card links are built on it. */
  baseUrl: string
  /** The CDS Clients (EHRs) trusted to call: by `iss`, with their `jku` allowlist or key set. */
  clients: TrustedClient[]
  /** The SMART app a card links to. Default `<baseUrl>/launch` (the web UI). */
  launchUrl?: string
  /** Where a card's source links for the model card. Default the registry API's version page. */
  modelCardUrl?: (name: string, version: string) => string
  /**
   * Where a card's link to the version's ONC HTI-1 source attributes points. Default the registry
   * API's `/models/{name}/source-attributes?version=…` (which needs a bearer token with a read
   * scope): give a page your clinicians can open from the EHR, e.g. the web UI's model page.
   */
  sourceAttributesUrl?: (name: string, version: string) => string
  /** Discovery needs a client JWT like every other call (the spec's default), or is public. Default `authenticated`. */
  discovery?: 'authenticated' | 'public'
  /** For JWKS and FHIR reads (tests inject one). Default the global fetch. */
  fetch?: typeof fetch
  /** Per FHIR request. Default 5 s: a CDS call should answer in about half a second. */
  fhirTimeoutMs?: number
  /** Read `http:` FHIR servers too. Development only: the spec wants https for real data. */
  allowHttpFhirServer?: boolean
  clockSkewSeconds?: number
}

/**
 * The CDS Hooks 2.0 front door: `GET /cds-services`, `POST /cds-services/{id}` and its
 * `/feedback`, for every model whose manifest has a `cdsHooks` section. EHRs authenticate with
 * their signed JWT; errors are OperationOutcomes with the statuses the spec expects.
 * @example
 * await createNexora({ plugins: [sqlStorage(), linearModel(), cdsHooks({ baseUrl: 'https://cds.example.org',
 *   clients: [{ iss: 'https://ehr.example.org', jku: ['https://ehr.example.org/jwks.json'] }] })] })
 */
export function cdsHooks(options: CdsHooksOptions) {
  if (!/^https?:\/\/[^/]+/.test(options?.baseUrl ?? ''))
    throw new NexoraError('plugin.invalid', { detail: 'cds-hooks needs baseUrl, the public URL of this server' })
  if (!options.clients?.length) throw new NexoraError('plugin.invalid', { detail: 'cds-hooks needs at least one trusted client' })
  const base = options.baseUrl.replace(/\/$/, '')
  return definePlugin({
    name: 'cds-hooks',
    provides: 'frontDoor',
    requires: ['clock', 'logger'],
    setup(ctx): FrontDoor {
      const clock = ctx.get('clock')
      const authenticator = cdsAuthenticator({
        clients: options.clients,
        baseUrl: base,
        clock,
        fetch: options.fetch,
        clockSkewSeconds: options.clockSkewSeconds,
      })
      return {
        name: 'cds-hooks',
        policies: cdsHooksPolicies(authenticator, options.discovery ?? 'authenticated'),
        register: (app, door) =>
          cdsHooksRoutes(app, door, {
            catalog: serviceCatalog(door.registry, ctx.get('logger')),
            clients: new Map(options.clients.map((c) => [c.iss, c])),
            fhir: {
              fetch: options.fetch ?? ((input, init) => fetch(input, init)),
              clock,
              timeoutMs: options.fhirTimeoutMs ?? 5000,
              allowHttp: options.allowHttpFhirServer ?? false,
            },
            links: {
              modelCard: options.modelCardUrl ?? ((name, version) => `${base}/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`),
              sourceAttributes:
                options.sourceAttributesUrl ??
                ((name, version) => `${base}/models/${encodeURIComponent(name)}/source-attributes?version=${encodeURIComponent(version)}`),
              launch: options.launchUrl ?? `${base}/launch`,
            },
          }),
        errors: { prefix: '/cds-services', render: cdsError },
      }
    },
  })
}

export { CardSchema, CdsResponseSchema, DiscoverySchema, ServiceSchema, type Card } from './card-schema.ts'
export { CdsHooksSectionSchema, cdsHooksSection, HOOKS, type CdsHooksSection, type Hook } from './manifest.ts'
export { HookRequest, FeedbackRequest } from './request-schema.ts'
export { prefetchTemplates } from './templates.ts'
export { isAllowedToken, tokensOf, instantiate } from './tokens.ts'
export { cdsAuthenticator } from './auth/authenticator.ts'
// Kept for callers that imported it from here; the contract itself is core's.
export { FEEDBACK_ACTION } from '../../core/index.ts'
export type { TrustedClient } from './auth/key-sets.ts'
/** The codes this plugin raises (registered on import); docs/api.md lists them with core's. */
export { CDS_ERRORS } from './errors.ts'
