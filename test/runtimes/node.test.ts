/** The node server (examples/node-server/main.ts) under the real `node` binary, through the runtime conformance suite. */
import { node } from '../../testkit/runtimes.ts'
import { runtimeRunner } from './_runtime-runner.ts'

runtimeRunner(node)
