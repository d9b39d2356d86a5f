/**
 * The web UI (site/) as a front door: the app shell at `/` (and at the SMART launch and OAuth
 * callback paths, which the app handles itself), its hashed assets under `/app/`, the PWA
 * manifest and service worker at the root, and `/ui/config` telling the app how to sign in.
 * Files come from an injected reader, so every runtime serves them its own way (a folder on
 * Node/Deno/Bun, the static-assets binding on Workers).
 */
import { definePlugin, type FrontDoor, type RoutePolicy } from '../../core/index.ts'
import { acceptedCodings, PRECOMPRESSED } from './encoding.ts'
import { isLoopbackRequest } from './loopback.ts'

export interface WebUiOptions {
  /** The built site (`npm run build:site` → site/dist): a path like `index.html` or `app/main-X.js` → bytes. */
  files: (path: string) => Promise<Uint8Array | undefined>
  /**
   * How the app signs in. `dev`: the server hands the local dev token to a page on loopback (dev
   * mode only). `oidc`: authorization code + PKCE against the provider.
   */
  signIn: { mode: 'dev'; token: () => Promise<string> } | { mode: 'oidc'; issuer: string; clientId: string; scope?: string }
  /**
   * SMART on FHIR EHR launch (`/launch?iss=…&launch=…`): the app's client id at the EHRs, the
   * scopes it asks for, and the FHIR base URLs (`iss`) it may be launched from. Nexora must also
   * trust those authorization servers' tokens (jwtAuth `trusted`).
   */
  smart?: { clientId: string; scope?: string; issuers: string[] }
  /**
   * Origins the app may call besides its own (the app's Content-Security-Policy `connect-src`):
   * the OIDC provider and the SMART authorization servers, for discovery and the token exchange.
   * Default: the origins of the OIDC issuer and the SMART issuers.
   */
  connectSrc?: string[]
}

export const DEFAULT_SMART_SCOPE = 'launch openid fhirUser patient/*.rs nexora/predict nexora/models.read'
const originOf = (url: string) => {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}
/** The server's own policy (core/http/app.ts) plus the authorization servers the app talks to. */
export function shellCsp(connectSrc: string[]) {
  // 'wasm-unsafe-eval' lets in-browser scoring compile ONNX Runtime's wasm; nothing else is evaluated.
  return [
    `default-src 'self'`,
    `script-src 'self' 'wasm-unsafe-eval'`,
    `connect-src ${["'self'", ...new Set(connectSrc)].join(' ')}`,
    `img-src 'self' data:`,
    `style-src 'self' 'unsafe-inline'`,
    `frame-ancestors 'none'`,
  ].join('; ')
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  webmanifest: 'application/manifest+json',
  svg: 'image/svg+xml',
  png: 'image/png',
  wasm: 'application/wasm',
  onnx: 'application/octet-stream',
  map: 'application/json',
}
const type = (path: string) => TYPES[path.slice(path.lastIndexOf('.') + 1)] ?? 'application/octet-stream'
/** Cross-origin isolation, so in-browser scoring may use wasm threads; everything the app loads is same-origin. */
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
// Public: no caller, so no launch patient either (`any`).
const pub: RoutePolicy = { access: 'public', rate: 'public', audit: 'handler', patientContext: 'any' }
const SHELL_PATHS = ['/', '/launch', '/callback']

export const webUiPolicies: Record<string, RoutePolicy> = {
  ...Object.fromEntries(SHELL_PATHS.map((p) => [`GET ${p}`, pub])),
  'GET /app/:file{.+}': pub,
  'GET /manifest.webmanifest': pub,
  'GET /sw.js': pub,
  'GET /ui/config': pub,
  'GET /ui/dev-token': pub,
}

export function webUi(options: WebUiOptions) {
  return definePlugin({
    name: 'web-ui',
    provides: 'frontDoor',
    setup: (): FrontDoor => ({
      name: 'web-ui',
      policies: webUiPolicies,
      register(app) {
        const respond = (bytes: Uint8Array, path: string, cache: string, extra: Record<string, string>) =>
          // encodeBody 'manual' (workerd): the body is already encoded as content-encoding says, so
          // the runtime must not compress it again. Other runtimes ignore the member.
          new Response(
            bytes as Uint8Array<ArrayBuffer>,
            {
              headers: { 'content-type': type(path), 'cache-control': cache, ...ISOLATION, ...extra },
              encodeBody: 'manual',
            } as ResponseInit,
          )
        /** A file of the build; with `accept` (the request's Accept-Encoding), its precompressed copy where one is allowed. */
        const file = async (path: string, cache: string, extra: Record<string, string> = {}, accept?: string | null) => {
          const negotiated = accept !== undefined && PRECOMPRESSED.test(path)
          const vary: Record<string, string> = negotiated ? { vary: 'accept-encoding' } : {}
          for (const [coding, suffix] of negotiated ? acceptedCodings(accept ?? undefined) : []) {
            const bytes = await options.files(path + suffix)
            if (bytes) return respond(bytes, path, cache, { ...extra, ...vary, 'content-encoding': coding })
          }
          const bytes = await options.files(path)
          return bytes && respond(bytes, path, cache, { ...extra, ...vary })
        }
        const connectSrc =
          options.connectSrc ??
          [options.signIn.mode === 'oidc' ? options.signIn.issuer : '', ...(options.smart?.issuers ?? [])]
            .map((u) => u && originOf(u))
            .filter((o): o is string => Boolean(o))
        const csp = { 'content-security-policy': shellCsp(connectSrc) }
        const smart = options.smart
          ? { smart: { clientId: options.smart.clientId, scope: options.smart.scope ?? DEFAULT_SMART_SCOPE, issuers: options.smart.issuers } }
          : {}
        const shell = async () =>
          (await file('index.html', 'no-cache', csp)) ??
          new Response('The web UI is not built: run `npm run build:site`.', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } })
        for (const path of SHELL_PATHS) app.get(path, shell)
        // Hashed file names: cache for a year; a new build gets new names.
        app.get('/app/:file{.+}', async (c) => {
          const path = `app/${c.req.param('file')}`
          // The copies are the build's own: asked for by name they would be served without their coding.
          if (/\.(br|gz)$/.test(path)) return c.notFound()
          return (await file(path, 'public, max-age=31536000, immutable', {}, c.req.header('accept-encoding') ?? null)) ?? c.notFound()
        })
        app.get('/manifest.webmanifest', async (c) => (await file('manifest.webmanifest', 'no-cache')) ?? c.notFound())
        // The service worker must be served from the root to control the whole app, and never cached stale.
        app.get('/sw.js', async (c) => (await file('sw.js', 'no-cache', {}, c.req.header('accept-encoding') ?? null)) ?? c.notFound())
        app.get('/ui/config', (c) =>
          c.json(
            options.signIn.mode === 'dev'
              ? { signIn: 'dev', ...smart }
              : {
                  signIn: 'oidc',
                  issuer: options.signIn.issuer,
                  clientId: options.signIn.clientId,
                  scope: options.signIn.scope ?? 'openid nexora/predict nexora/models.read',
                  ...smart,
                },
          ),
        )
        app.get('/ui/dev-token', async (c) => {
          // Dev mode only, and only to a browser on this machine: the token is the local administrator.
          if (options.signIn.mode !== 'dev' || !isLoopbackRequest(c, c.get('caller')?.ip)) return c.json({ title: 'Not available', status: 404 }, 404)
          return c.json({ token: await options.signIn.token() }, 200, { 'cache-control': 'no-store' })
        })
      },
    }),
  })
}

/**
 * The web UI where sign-in is configured by the environment (`NEXORA_OIDC_ISSUER`,
 * `NEXORA_OIDC_CLIENT_ID`, optional `NEXORA_OIDC_SCOPE` and `NEXORA_UI_CONNECT_SRC`): the Deno, Bun and Workers examples use it;
 * without those variables there is no UI (a server without a way to sign in has none to offer).
 * @example webUiFromEnv((n) => Deno.env.get(n), folderFiles('site/dist'))
 */
export function webUiFromEnv(get: (name: string) => string | undefined, files: WebUiOptions['files']) {
  const issuer = get('NEXORA_OIDC_ISSUER')
  const clientId = get('NEXORA_OIDC_CLIENT_ID')
  // NEXORA_UI_CONNECT_SRC: more origins the app may call (a token endpoint off the issuer's origin).
  const extra =
    get('NEXORA_UI_CONNECT_SRC')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? []
  return issuer && clientId
    ? [
        webUi({
          files,
          signIn: { mode: 'oidc', issuer, clientId, scope: get('NEXORA_OIDC_SCOPE') },
          ...(extra.length ? { connectSrc: [new URL(issuer).origin, ...extra] } : {}),
        }),
      ]
    : []
}

/** Files from a Workers static-assets binding (`"assets": { "binding": "ASSETS" }` in wrangler.jsonc). */
export function assetsBindingFiles(binding: { fetch(request: Request): Promise<Response> }): WebUiOptions['files'] {
  return async (path) => {
    const res = await binding.fetch(new Request(`https://assets.local/${path}`))
    return res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined
  }
}
