import { describe, expect, it } from 'vitest'
import { createNexora, memoryStorage } from '../../core/index.ts'
import { webUi } from '../../plugins/web-ui/index.ts'

/** A Nexora with the web UI in dev mode, seeing every request as coming from `ip`. */
async function devUi(ip: string | undefined) {
  return createNexora({
    plugins: [memoryStorage(), webUi({ files: async () => undefined, signIn: { mode: 'dev', token: async () => 'the-dev-token' } })],
    config: { getClientIp: () => ip, rateLimits: false },
  })
}

describe('the dev token is only for a browser on this machine', () => {
  it('answers a loopback client that names a loopback host', async () => {
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const res = await (await devUi(ip)).app.request('http://127.0.0.1:8000/ui/dev-token')
      expect([ip, res.status, await res.json()]).toEqual([ip, 200, { token: 'the-dev-token' }])
    }
  })

  it('refuses a client from the network, even one that sends Host: localhost', async () => {
    const res = await (await devUi('10.1.2.3')).app.request('http://localhost:8000/ui/dev-token')
    expect(res.status).toBe(404)
    expect(await res.text()).not.toContain('the-dev-token')
  })

  it('refuses a DNS-rebinding page (a loopback socket, a foreign Host) and an unknown client address', async () => {
    expect((await (await devUi('127.0.0.1')).app.request('http://attacker.example:8000/ui/dev-token')).status).toBe(404)
    expect((await (await devUi(undefined)).app.request('http://127.0.0.1:8000/ui/dev-token')).status).toBe(404)
  })
})
