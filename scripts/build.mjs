// Builds the addon with @napi-rs/cli. File encryption (the `encryption` cargo feature) needs
// cmake at build time: it is on when cmake is installed, or forced with
// PINGTOPASS_ENCRYPTION=1 (=0 turns it off). Extra arguments go to `napi build`.
import { spawnSync } from 'node:child_process'

export function encryptionEnabled() {
  const forced = process.env.PINGTOPASS_ENCRYPTION
  if (forced === '1' || forced === '0') return forced === '1'
  return spawnSync('cmake', ['--version'], { stdio: 'ignore' }).status === 0
}

export function build(extra = []) {
  const features = encryptionEnabled() ? ['--features', 'encryption'] : []
  const args = ['napi', 'build', '--platform', '--js', 'binding.js', '--dts', 'binding.d.ts', ...features, ...extra]
  const r = spawnSync('npx', args, { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

if (import.meta.url === `file://${process.argv[1]}`) build(process.argv.slice(2))
