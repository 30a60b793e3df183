// `npm test`: build what is stale (release), then the Rust core tests and the JS suite.
// cargo test uses napi's --target so both share one set of compiled dependencies.
import { execFileSync, spawnSync } from 'node:child_process'

const host = execFileSync('rustc', ['-vV'], { encoding: 'utf8' }).match(/host: (\S+)/)[1]
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
run('npx', ['napi', 'build', '--platform', '--release', '--target', host, '--js', 'binding.js', '--dts', 'binding.d.ts'])
run('cargo', ['test', '--release', '--target', host])
run('node', ['--test', '--test-concurrency=1', ...process.argv.slice(2).concat(process.argv.length > 2 ? [] : ['__test__/'])])
