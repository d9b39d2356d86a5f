/**
 * model-remote/node's mutual TLS, REST and gRPC, against servers that demand a client certificate
 * signed by a test CA (made with the openssl CLI; skipped where there is none), and Triton-style
 * raw gRPC outputs.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http2 from 'node:http2'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectNodeAdapter } from '@connectrpc/connect-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NexoraError, type ModelManifest } from '../../core/index.ts'
import { GRPCInferenceService } from '../../plugins/grpc/index.ts'
import { createNodeRemoteModelPlugin } from '../../plugins/model-remote/node.ts'

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

const dir = mkdtempSync(join(tmpdir(), 'nexora-mtls-'))
const pem = (name: string) => readFileSync(join(dir, name), 'utf8')
const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' })

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
function makeCertificates() {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=nexora-test-ca')
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n')
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n')
  for (const [name, cn] of [
    ['server', '127.0.0.1'],
    ['client', 'nexora-client'],
  ] as const) {
    ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`)
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    )
  }
}

const manifest = (protocol: 'rest' | 'grpc', endpoint: string): ModelManifest =>
  ({
    name: 'tls-model',
    version: '1.0.0',
    kind: 'remote',
    inputs: [{ name: 'x', type: 'number' }],
    outputs: [{ name: 'p', type: 'probability' }],
    remote: { protocol, endpoint, model: 'upstream', retries: 0 },
  }) as ModelManifest

let rest: https.Server
let grpc: http2.Http2SecureServer
let restUrl: string
let grpcUrl: string
const seen: { cn?: string; authorization?: string }[] = []
let raw = false

beforeAll(async () => {
  if (!hasOpenssl) return
  makeCertificates()
  const tls = { key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: true }
  rest = https.createServer(tls, (req, res) => {
    const cn = (req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN
    seen.push({ cn: Array.isArray(cn) ? cn.join() : cn, authorization: req.headers.authorization })
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ outputs: [{ name: 'score', datatype: 'FP64', shape: [1], data: [0.25] }] }))
    })
  })
  grpc = http2.createSecureServer(
    tls,
    connectNodeAdapter({
      routes: (router) =>
        router.service(GRPCInferenceService, {
          modelInfer: (request) => {
            const score = request.modelName === 'upstream' ? 0.75 : 0
            if (!raw) return { modelName: request.modelName, outputs: [{ name: 'score', datatype: 'FP64', shape: [1n], contents: { fp64Contents: [score] } }] }
            const bytes = new Uint8Array(8)
            new DataView(bytes.buffer).setFloat64(0, score, true)
            return { modelName: request.modelName, outputs: [{ name: 'score', datatype: 'FP64', shape: [1n] }], rawOutputContents: [bytes] }
          },
        }),
    }),
  )
  await Promise.all([new Promise<void>((r) => rest.listen(0, '127.0.0.1', r)), new Promise<void>((r) => grpc.listen(0, '127.0.0.1', r))])
  restUrl = `https://127.0.0.1:${(rest.address() as AddressInfo).port}`
  grpcUrl = `https://127.0.0.1:${(grpc.address() as AddressInfo).port}`
})
afterAll(async () => {
  rest?.closeAllConnections()
  await new Promise((r) => (rest ? rest.close(r) : r(undefined)))
  await new Promise((r) => (grpc ? grpc.close(r) : r(undefined)))
  rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!hasOpenssl)('model-remote/node: mutual TLS', () => {
  const row = { features: { x: 1 } }
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof NexoraError ? e.code : String(e)),
    )

  it('presents the client certificate over REST (node:https, keep-alive) with the token, and fails without it', async () => {
    const client = { cert: pem('client.crt'), key: pem('client.key'), ca: pem('ca.crt') }
    const plugin = createNodeRemoteModelPlugin({ endpoints: [{ origin: restUrl, token: 'tls-token', tls: client }] })
    const model = await plugin.load({ manifest: manifest('rest', restUrl), files: {} })
    expect(await model.predict([row])).toEqual([{ score: 0.25 }])
    expect(await model.predict([row])).toEqual([{ score: 0.25 }])
    expect(seen).toEqual([
      { cn: 'nexora-client', authorization: 'Bearer tls-token' },
      { cn: 'nexora-client', authorization: 'Bearer tls-token' },
    ])
    const anonymous = createNodeRemoteModelPlugin({ endpoints: [{ origin: restUrl, tls: { ca: pem('ca.crt') } }] })
    expect(await codeOf((await anonymous.load({ manifest: manifest('rest', restUrl), files: {} })).predict([row]))).toBe('remote.unavailable')
  })

  it('presents it over gRPC (HTTP/2 over TLS), and reads typed and raw outputs', async () => {
    const client = { cert: pem('client.crt'), key: pem('client.key'), ca: pem('ca.crt') }
    const plugin = createNodeRemoteModelPlugin({ endpoints: [{ origin: grpcUrl, tls: client }] })
    const model = await plugin.load({ manifest: manifest('grpc', grpcUrl), files: {} })
    expect(await model.predict([row])).toEqual([{ score: 0.75 }])
    raw = true
    expect(await model.predict([row])).toEqual([{ score: 0.75 }])
    await model.dispose?.()
    const untrusting = createNodeRemoteModelPlugin({ endpoints: [{ origin: grpcUrl, tls: { cert: client.cert, key: client.key } }] })
    const refused = await (await untrusting.load({ manifest: manifest('grpc', grpcUrl), files: {} })).predict([row]).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(NexoraError)
  })
})
