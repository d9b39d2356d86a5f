#!/usr/bin/env node
// Runs before `npm test` (npm's "pretest"): the integration suites run real PostgreSQL (initdb,
// pg_ctl), promtool and headless Chromium, which come from Debian rather than npm. A fresh clone's
// `npm install && npm test` must pass alone, so when something is missing this installs it with
// apt-get when it can (root, apt present) and otherwise stops with one line naming the packages.
// `npm run test:unit` needs none of them and skips this step.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'

const onPath = (name) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)))
const postgresBinaries = () => {
  const root = '/usr/lib/postgresql'
  return existsSync(root) && readdirSync(root).some((version) => existsSync(join(root, version, 'bin', 'initdb')))
}

/** Debian package → whether what the suites run from it is already here. */
const needs = {
  postgresql: postgresBinaries,
  prometheus: () => onPath('promtool'),
  chromium: () => existsSync('/usr/bin/chromium'),
}

// kubectl renders deploy/k8s (test/deploy/k8s-manifests.test.ts). No Debian package can stand in: bookworm's
// kubernetes-client is 1.20, too old for the kustomization. CI images carry kubectl; elsewhere that test skips, said here.
if (!onPath('kubectl')) console.error('kubectl not found: test/deploy/k8s-manifests.test.ts will skip (install kubectl 1.22 or later)')

const missing = Object.entries(needs)
  .filter(([, present]) => !present())
  .map(([pkg]) => pkg)
if (missing.length === 0) process.exit(0)

const canInstall = process.platform === 'linux' && process.getuid?.() === 0 && onPath('apt-get')
if (!canInstall) {
  console.error(`npm test needs Debian packages: ${missing.join(' ')} — install them (sudo apt-get install -y ${missing.join(' ')}) or run npm run test:unit`)
  process.exit(1)
}
console.error(`installing the Debian packages the integration suites run: ${missing.join(' ')} (once; about 2 minutes)`)
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
const apt = (args) => execFileSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env })
apt(['update', '-qq'])
apt(['install', '-y', '-qq', '--no-install-recommends', ...missing])
const still = Object.entries(needs)
  .filter(([, present]) => !present())
  .map(([pkg]) => pkg)
if (still.length > 0) {
  console.error(`apt-get installed ${missing.join(' ')} but these are still missing: ${still.join(' ')}`)
  process.exit(1)
}
