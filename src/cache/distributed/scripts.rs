//! Lua run by Redis, so that a write, its tag sets and its invalidation message are one atomic
//! step: no process can read the new value and then miss the message, or the reverse.

/// KEYS[1] the key, KEYS[2..] its tag sets. ARGV: json, ttl ms, channel, message ('' = none).
/// A tag set lives as long as its longest-lived member.
pub const SET: &str = r"
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local ttl = tonumber(ARGV[2])
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
if ARGV[4] ~= '' then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
return 1
";

/// KEYS[1..n] tag sets, KEYS[n+1..] plain keys. ARGV: channel, origin, n, then the n tag
/// names. Deletes the members of each tag set, the set and the plain keys, then publishes
/// one message naming the tags and every deleted key, so other processes drop their local
/// copies (which may not carry tags) by key. Returns how many keys existed.
pub const INVALIDATE: &str = r"
local n = tonumber(ARGV[3])
local keys, tags, dropped = {}, {}, 0
for i = 1, n do
  tags[#tags + 1] = ARGV[3 + i]
  for _, k in ipairs(redis.call('SMEMBERS', KEYS[i])) do
    dropped = dropped + redis.call('DEL', k)
    keys[#keys + 1] = k
  end
  redis.call('DEL', KEYS[i])
end
for i = n + 1, #KEYS do
  dropped = dropped + redis.call('DEL', KEYS[i])
  keys[#keys + 1] = KEYS[i]
end
redis.call('PUBLISH', ARGV[1], cjson.encode({origin = ARGV[2], tags = tags, keys = keys}))
return dropped
";
