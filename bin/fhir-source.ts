import { readFile } from 'node:fs/promises'
import { serve } from '@hono/node-server'
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose'
import type { Plugin, ServerConfig } from '../core/index.ts'
import { createDevFhirServer } from '../devtools/fhir-server/index.ts'
import { fhirServer } from '../plugins/fhir/index.ts'
import { fhirPredict } from '../plugins/fhir-predict/index.ts'

export interface FhirSetup {
  plugins: Plugin[]
  /** Where the FHIR data comes from, for the start-up banner. */
  description?: string
  close?: () => void
  /**
   * Dev mode: the dev FHIR server is also a SMART App Launch / OIDC authorization server for the
   * web UI. Nexora trusts its tokens (`issuers`, `jwks`) and the UI may call it (`origins`).
   */
  smart?: { issuers: string[]; jwks: JSONWebKeySet; clientId: string; launchDemo: string; setLaunchUrl(url: string): void }
}

/** The web UI's public client at the dev FHIR server. */
export const DEV_UI_CLIENT_ID = 'nexora-ui'

/**
 * The FHIR server Nexora reads from. `fhir.url` names a real one (with a static token, or SMART
 * Backend Services: client id, private JWK file, alg, scope). Otherwise, in dev mode, the synthetic
 * dev FHIR server starts on `devPort` and Nexora signs in to it as a SMART backend client with a key
 * pair made at start-up. Production without a URL, or `devPort: false`, has no FHIR door.
 */
export async function fhirSetup(config: ServerConfig, devPort: number | false, devAudience = 'nexora'): Promise<FhirSetup> {
  const { url: baseUrl, clientId, keyFile, token, alg, kid, scope } = config.fhir
  if (baseUrl) {
    const auth =
      clientId && keyFile
        ? { type: 'smart-backend' as const, clientId, privateKey: JSON.parse(await readFile(keyFile, 'utf8')) as JWK, alg, kid, scope }
        : token
          ? { type: 'static' as const, token }
          : undefined
    return { plugins: [fhirServer({ baseUrl, auth }), fhirPredict()], description: baseUrl }
  }
  if (config.production || devPort === false) return { plugins: [] }
  const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true })
  const client = { clientId: 'nexora-dev', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'nexora-dev-1', alg: 'ES384', use: 'sig' }] } }
  const dev = createDevFhirServer({
    clients: [client],
    cohort: { patients: config.fhir.devServer.patients },
    smartApp: { audience: devAudience, clientIds: [DEV_UI_CLIENT_ID] },
  })
  const { url, close } = await new Promise<{ url: string; close: () => void }>((resolve) => {
    const server = serve({ fetch: dev.app.fetch, port: devPort, hostname: '127.0.0.1' }, (info) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, close: () => server.close() }),
    )
  })
  return {
    plugins: [
      fhirServer({
        baseUrl: url,
        auth: { type: 'smart-backend', clientId: client.clientId, privateKey, alg: 'ES384', kid: 'nexora-dev-1', scope: 'system/*.rs system/RiskAssessment.c' },
      }),
      fhirPredict(),
    ],
    description: `${url} (synthetic dev cohort, ${Object.keys(dev.cohort?.outcomes ?? {}).length} patients)`,
    close,
    smart: {
      // The browser may reach it as 127.0.0.1 or localhost: both are its issuer.
      issuers: [url, url.replace('127.0.0.1', 'localhost')],
      jwks: await dev.smart!.jwks(),
      clientId: DEV_UI_CLIENT_ID,
      launchDemo: `${url}/launch-demo?patient=${Object.keys(dev.cohort?.outcomes ?? {})[0] ?? 'pt-0001'}`,
      setLaunchUrl: (app) => dev.smart!.setLaunchUrl(app),
    },
  }
}
