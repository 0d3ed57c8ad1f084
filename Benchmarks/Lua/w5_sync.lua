-- W5: one of the coroutines of W5 (the benchmark runs this body once per coroutine, all at once): connect_sync, then
-- ROUNDS write/read_once round trips. Prints "result OK BAD FIRST_ERROR".
local tcp = require 'rspamd_tcp'
local host, port = arg[1], tonumber(arg[2])
local rounds, size = tonumber(arg[3]), tonumber(arg[4])
local message = string.rep('x', size - 1) .. '\n'

local ok, conn = tcp.connect_sync{host = host, port = port, timeout = 60}
if not ok then
  print(string.format('result 0 %d %s', rounds, tostring(conn)))
  return
end
local good = 0
local err = 'none'
for _ = 1, rounds do
  local wok, werr = conn:write(message)
  if not wok then err = tostring(werr) break end
  -- a reply may come in pieces: read until all of it is in
  local got = 0
  while got < size do
    local rok, reply = conn:read_once()
    if not rok then err = tostring(reply) break end
    got = got + #reply
  end
  if got ~= size then break end
  good = good + 1
end
conn:close()
print(string.format('result %d %d %s', good, rounds - good, err))
