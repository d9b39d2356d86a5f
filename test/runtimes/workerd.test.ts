/**
 * The runtime server conformance suite on workerd: examples/cloudflare-worker bundled as for
 * Workers (conditions workerd, worker, browser), served by Miniflare on a real port with a D1
 * database and the suite's JWT settings as bindings. Without miniflare/workerd installed this
 * fails, and loadMiniflare's error says what is missing.
 */
import { expect, it } from 'vitest'
import { RUNTIMES } from '../../testkit/runtimes.ts'
import { startWorkerdServer } from '../../testkit/workerd.ts'
import { runtimeAuthEnv, runtimeServerConformance } from '../conformance/runtime-server.suite.ts'

runtimeServerConformance('workerd', async () => startWorkerdServer(await runtimeAuthEnv()))

it('is one of the runtimes the latency benchmark measures', () => {
  expect(RUNTIMES.map((r) => r.name)).toContain('workerd')
})
