import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveNode, type RunningNodeServer } from '../../adapters/node.ts'
import { createNexora, memoryStorage } from '../../core/index.ts'
import { webUi } from '../../plugins/web-ui/index.ts'

const TOKEN = 'the-dev-token'
const devUiPlugin = () => webUi({ files: async () => undefined, signIn: { mode: 'dev', token: async () => TOKEN } })

/** A Nexora with the web UI in dev mode, seeing every request as coming from `ip`. */
async function devUi(ip: string | undefined) {
  return createNexora({ plugins: [memoryStorage(), devUiPlugin()], config: { getClientIp: () => ip, rateLimits: false } })
}
/** `host` null sends no Host header; by default it is the URL's. */
const ask = async (ip: string | undefined, url: string, host: string | null = new URL(url).host, env?: unknown) =>
  (await devUi(ip)).app.request(url, { headers: host === null ? {} : { host } }, env)

describe('the dev token is only for a browser on this machine', () => {
  it('answers a loopback client that names a loopback host', async () => {
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const res = await ask(ip, 'http://127.0.0.1:8000/ui/dev-token')
      expect([ip, res.status, await res.json()]).toEqual([ip, 200, { token: TOKEN }])
    }
    expect((await ask('127.0.0.1', 'http://localhost:8000/ui/dev-token', 'LOCALHOST:8000')).status).toBe(200)
  })

  it('refuses a client from the network, even one that sends Host: localhost', async () => {
    const res = await ask('10.1.2.3', 'http://localhost:8000/ui/dev-token')
    expect(res.status).toBe(404)
    expect(await res.text()).not.toContain(TOKEN)
  })

  it('refuses a DNS-rebinding page (a loopback socket, a foreign Host), an unknown client address, and no Host at all', async () => {
    expect((await ask('127.0.0.1', 'http://attacker.example:8000/ui/dev-token')).status).toBe(404)
    expect((await ask(undefined, 'http://127.0.0.1:8000/ui/dev-token')).status).toBe(404)
    expect((await ask('127.0.0.1', 'http://127.0.0.1:8000/ui/dev-token', null)).status).toBe(404)
  })

  it('refuses when the URL and the Host header disagree, either way round', async () => {
    expect((await ask('127.0.0.1', 'http://localhost/ui/dev-token', 'evil.example')).status).toBe(404)
    expect((await ask('127.0.0.1', 'http://evil.example/ui/dev-token', 'localhost')).status).toBe(404)
  })

  it('refuses when the runtime reports a socket whose local address is not loopback', async () => {
    const env = (localAddress: string) => ({ incoming: { socket: { localAddress } } })
    expect((await ask('127.0.0.1', 'http://127.0.0.1:8000/ui/dev-token', '127.0.0.1:8000', env('10.0.0.5'))).status).toBe(404)
    expect((await ask('127.0.0.1', 'http://127.0.0.1:8000/ui/dev-token', '127.0.0.1:8000', env('127.0.0.1'))).status).toBe(200)
  })
})

describe('over a real socket (issue 14: an absolute-form target with a foreign Host)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nexora-dev-token-'))
  let server: RunningNodeServer
  let port: number
  beforeAll(async () => {
    server = await serveNode({ port: 0, db: `file:${join(dir, 'nexora.db')}`, plugins: [devUiPlugin()], config: { rateLimits: false }, handleSignals: false })
    port = Number(new URL(server.url).port)
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Send one raw HTTP/1.1 request (as written) and read the whole answer. */
  const raw = (target: string, host: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`))
      let text = ''
      socket
        .setEncoding('utf8')
        .on('data', (chunk) => {
          text += chunk
        })
        .on('error', reject)
        .on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), text }))
    })

  it('refuses `GET http://localhost/ui/dev-token` sent with `Host: evil.example`', async () => {
    const res = await raw('http://localhost/ui/dev-token', 'evil.example')
    expect(res.status).toBe(404)
    expect(res.text).not.toContain(TOKEN)
  })

  it('refuses the other mixes of a loopback and a foreign name', async () => {
    for (const [target, host] of [
      ['/ui/dev-token', 'evil.example'],
      [`http://evil.example:${port}/ui/dev-token`, `localhost:${port}`],
      ['http://localhost/ui/dev-token', `evil.example:${port}`],
    ]) {
      const res = await raw(target!, host!)
      expect([target, host, res.status]).toEqual([target, host, 404])
      expect(res.text).not.toContain(TOKEN)
    }
  })

  it('answers a browser on this machine, in origin form and in absolute form', async () => {
    for (const target of ['/ui/dev-token', `http://localhost:${port}/ui/dev-token`]) {
      const res = await raw(target, `localhost:${port}`)
      expect([target, res.status]).toEqual([target, 200])
      expect(res.text).toContain(TOKEN)
    }
  })
})
