// The hostile values and field rules of hostile-input.test.mjs (and the fuzz test's
// oracle). Each field says which values are valid; every other value must be refused with
// a TypeError or RangeError whose message names the field, and must write nothing.

/** A field left out of its object (or an argument not passed). */
export const MISSING = Symbol('missing')

let big
/** 10 MB of text, built once. */
export const bigString = () => (big ??= 'x'.repeat(10 * 1024 * 1024))

function deepArray(n) {
  let v = 1
  for (let i = 0; i < n; i++) v = [v]
  return v
}
function deepObject(n) {
  let v = {}
  for (let i = 0; i < n; i++) v = { a: v }
  return v
}

export const INJECTIONS = [
  '1; DROP TABLE users; --',
  "' OR '1'='1",
  '1 OR 1=1',
  '"; DELETE FROM user_answers; --',
  "1) UNION SELECT email, name FROM users --",
  "'; ATTACH DATABASE 'pwn.db' AS pwn; --",
  "Robert'); DROP TABLE questions;--",
  "%' AND 1=1 --",
  "\\'; UPDATE users SET name = 'x'; --",
  "x'\u0000; DROP TABLE exams; --",
  '$1; PRAGMA writable_schema = 1; --',
  "' || (SELECT sqlite_version()) || '",
]

/** [label, value] pairs; functions build a value lazily (big or fresh ones). */
export const HOSTILE = [
  ['missing', MISSING],
  ['undefined', undefined],
  ['null', null],
  ['true', true],
  ['false', false],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-0', -0],
  ['2**53+1', 2 ** 53 + 1],
  ['-1', -1],
  ['0', 0],
  ['1.5', 1.5],
  ['1e308', 1e308],
  ['-1e308', -1e308],
  ['Number.MIN_VALUE', Number.MIN_VALUE],
  ['2**31', 2 ** 31],
  ['bigint 1n', 1n],
  ['bigint 2n**70n', 2n ** 70n],
  ['empty string', ''],
  ['blank string', ' \t\n'],
  ['numeric string', '1'],
  ['10 MB string', bigString],
  ['lone high surrogate', 'a\uD800b'],
  ['lone low surrogate', '\uDC00'],
  ['string __proto__', '__proto__'],
  ['string constructor', 'constructor'],
  ...INJECTIONS.map((s, i) => [`injection ${i}: ${s}`, s]),
  ['symbol', () => Symbol('x')],
  ['function', () => () => 1],
  ['array', () => [1]],
  ['empty object', () => ({})],
  ['Date', () => new Date(0)],
  ['invalid Date', () => new Date(NaN)],
  ['Buffer', () => Buffer.from('x')],
  ['Float64Array', () => new Float64Array(1)],
  ['Map', () => new Map([[1, 1]])],
  ['deep array (10,000 levels)', () => deepArray(10_000)],
  ['deep object (10,000 levels)', () => deepObject(10_000)],
  ['own __proto__ key', () => JSON.parse('{"__proto__": {"polluted": true}}')],
]

/** The value of a HOSTILE entry (functions are called for a fresh value). */
export const valueOf = (v) => (typeof v === 'function' ? v() : v)

// Field rules: (value) => valid.
export const isWellFormed = (s) => typeof s === 'string' && s.isWellFormed()
export const ID = (v) => Number.isSafeInteger(v) && v >= 1
export const INT = (min, max) => (v) => Number.isInteger(v) && v >= min && v <= max
export const NUM = (min, max) => (v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
export const BOOL = (v) => typeof v === 'boolean'
export const ENUM = (...xs) => (v) => xs.includes(v)
export const TEXT = (maxBytes, { empty = false } = {}) => (v) => isWellFormed(v) && (empty || v.length > 0) && Buffer.byteLength(v) <= maxBytes
/** Optional: absent, undefined or null is fine too. */
export const OPT = (rule) => (v) => v === MISSING || v === undefined || v === null || rule(v)
/** Optional, but null is not "absent" (the JS front checks `!== undefined`). */
export const OPTU = (rule) => (v) => v === MISSING || v === undefined || rule(v)
export const IDS = (maxLen) => (v) => Array.isArray(v) && v.length <= maxLen && v.every(ID)

/** Does an error name `field` (its full path, or its last component)? */
export function namesField(err, field) {
  const msg = String(err?.message ?? '')
  if (msg.includes(field)) return true
  const last = field.split('.').pop()
  return last.length > 0 && msg.includes(last)
}

export const isTypeOrRange = (err) => err instanceof TypeError || err instanceof RangeError
