import { readFile } from 'node:fs/promises'
import { serve } from '@hono/node-server'
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose'
import type { Plugin } from '../core/index.ts'
import { createDevFhirServer } from '../devtools/fhir-server/index.ts'
import { fhirServer } from '../plugins/fhir/index.ts'
import { fhirPredict } from '../plugins/fhir-predict/index.ts'

const env = process.env

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
 * The FHIR server Nexora reads from. `NEXORA_FHIR_URL` names a real one (with a static token,
 * or SMART Backend Services: client id, private JWK file, alg, scope). Otherwise, in dev mode,
 * the synthetic dev FHIR server starts on its own port and Nexora signs in to it as a SMART
 * backend client with a key pair made at start-up. Production without a URL has no FHIR door.
 */
export async function fhirSetup(production: boolean, devPort: number, devAudience = 'nexora'): Promise<FhirSetup> {
  if (env.NEXORA_FHIR_URL) {
    const auth = env.NEXORA_FHIR_CLIENT_ID && env.NEXORA_FHIR_KEY_FILE
      ? { type: 'smart-backend' as const, clientId: env.NEXORA_FHIR_CLIENT_ID, privateKey: JSON.parse(await readFile(env.NEXORA_FHIR_KEY_FILE, 'utf8')) as JWK, alg: (env.NEXORA_FHIR_ALG ?? 'ES384') as 'ES384' | 'RS384', kid: env.NEXORA_FHIR_KID, scope: env.NEXORA_FHIR_SCOPE ?? 'system/*.rs system/RiskAssessment.c' }
      : env.NEXORA_FHIR_TOKEN ? { type: 'static' as const, token: env.NEXORA_FHIR_TOKEN } : undefined
    return { plugins: [fhirServer({ baseUrl: env.NEXORA_FHIR_URL, auth }), fhirPredict()], description: env.NEXORA_FHIR_URL }
  }
  if (production) return { plugins: [] }
  const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true })
  const client = { clientId: 'nexora-dev', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'nexora-dev-1', alg: 'ES384', use: 'sig' }] } }
  const dev = createDevFhirServer({ clients: [client], cohort: { patients: Number(env.NEXORA_DEV_FHIR_PATIENTS ?? 200) }, smartApp: { audience: devAudience, clientIds: [DEV_UI_CLIENT_ID] } })
  const { url, close } = await new Promise<{ url: string; close: () => void }>((resolve) => {
    const server = serve({ fetch: dev.app.fetch, port: devPort, hostname: '127.0.0.1' }, (info) => resolve({ url: `http://127.0.0.1:${info.port}`, close: () => server.close() }))
  })
  return {
    plugins: [fhirServer({ baseUrl: url, auth: { type: 'smart-backend', clientId: client.clientId, privateKey, alg: 'ES384', kid: 'nexora-dev-1', scope: 'system/*.rs system/RiskAssessment.c' } }), fhirPredict()],
    description: `${url} (synthetic dev cohort, ${Object.keys(dev.cohort?.outcomes ?? {}).length} patients)`,
    close,
    smart: {
      // The browser may reach it as 127.0.0.1 or localhost: both are its issuer.
      issuers: [url, url.replace('127.0.0.1', 'localhost')], jwks: await dev.smart!.jwks(), clientId: DEV_UI_CLIENT_ID,
      launchDemo: `${url}/launch-demo?patient=${Object.keys(dev.cohort?.outcomes ?? {})[0] ?? 'pt-0001'}`,
      setLaunchUrl: (app) => dev.smart!.setLaunchUrl(app),
    },
  }
}
