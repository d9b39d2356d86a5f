/**
 * A scripted OIP v2 REST server on a free port, for model-remote's failure tests: each request
 * is recorded (path and authorization header, never the body) and answered by the test's handler.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeRequest {
  path: string
  authorization?: string
  body: unknown
}

export type FakeHandler = (request: FakeRequest, n: number) => { status: number; body?: unknown; headers?: Record<string, string> } | 'hang'

export interface FakeOipServer {
  url: string
  requests: FakeRequest[]
  handle: FakeHandler
  close(): Promise<void>
}

/** `{ outputs: [score] }` for `rows` rows, each scoring `value`. */
export const scored = (rows: number, value = 0.25) => ({ outputs: [{ name: 'score', datatype: 'FP64', shape: [rows], data: Array(rows).fill(value) }] })

export async function fakeOipServer(handle: FakeHandler = () => ({ status: 200, body: scored(1) })): Promise<FakeOipServer> {
  const hanging = new Set<http.ServerResponse>()
  const fake: FakeOipServer = { url: '', requests: [], handle, close: async () => {} }
  const server = http.createServer((req, res) => {
    let text = ''
    req.on('data', (chunk) => {
      text += chunk
    })
    req.on('end', () => {
      const request = { path: req.url ?? '', authorization: req.headers.authorization, body: text ? JSON.parse(text) : undefined }
      fake.requests.push(request)
      const answer = fake.handle(request, fake.requests.length)
      if (answer === 'hang') return void hanging.add(res)
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  fake.close = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return fake
}
