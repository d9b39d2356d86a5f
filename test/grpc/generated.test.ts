/**
 * The committed protos and the code generated from them cannot drift: the OIP proto is the
 * official text (pinned by hash), and `buf generate` reproduces plugins/grpc/gen byte for byte.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const root = new URL('../../', import.meta.url).pathname
const out = mkdtempSync(join(tmpdir(), 'nexora-buf-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })

describe('protos and generated code', () => {
  it("keeps grpc_predict_v2.proto identical to KServe's official text below its header", () => {
    const text = readFileSync(join(root, 'proto/inference/grpc_predict_v2.proto'), 'utf8')
    const upstream = text.slice(text.indexOf('// Copyright 2020 kubeflow.org.'))
    expect(text).toContain('github.com/kserve/kserve/blob/f79adf9d37f73f89703d946e176c1ab4a5c62af4/docs/predict-api/v2/grpc_predict_v2.proto')
    // The SHA-256 of that file at that commit (10893 characters, trailing spaces included).
    expect(createHash('sha256').update(upstream).digest('hex')).toBe('10c6b6b3d32dd43f995f85f8324d5b4f014f13cb2d9cadee97a9afa29f210858')
  })

  it('regenerates plugins/grpc/gen byte for byte with buf and the local protoc-gen-es', async () => {
    const bin = join(root, 'node_modules/.bin')
    await promisify(execFile)(join(bin, 'buf'), ['generate', '--output', out], { cwd: root, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } })
    const committed = join(root, 'plugins/grpc/gen')
    const fresh = join(out, 'plugins/grpc/gen')
    const list = (dir: string) =>
      files(dir)
        .map((f) => relative(dir, f))
        .sort()
    expect(list(fresh)).toEqual(list(committed))
    expect(list(committed)).toEqual(['inference/grpc_predict_v2_pb.ts', 'nexora/v1/prediction_pb.ts'])
    for (const file of list(committed)) {
      expect(readFileSync(join(fresh, file), 'utf8'), `${file} is stale: run npx buf generate`).toBe(readFileSync(join(committed, file), 'utf8'))
    }
  }, 60_000)
})
