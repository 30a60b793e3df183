// `npm test`: build what is stale (release), then the Rust core tests and the JS suite.
// cargo test uses napi's --target and the same features so both share one set of compiled
// dependencies.
import { execFileSync, spawnSync } from 'node:child_process'
import { build, encryptionEnabled } from './build.mjs'

const host = execFileSync('rustc', ['-vV'], { encoding: 'utf8' }).match(/host: (\S+)/)[1]
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
build(['--release', '--target', host])
run('cargo', ['test', '--release', '--target', host, ...(encryptionEnabled() ? ['--features', 'encryption'] : [])])
const files = process.argv.slice(2)
run('node', ['--test', '--test-concurrency=1', ...(files.length ? files : ['__test__/'])])
