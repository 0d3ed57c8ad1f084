-- "no pattern, chunked": reads without pattern get one chunk each
local tcp = require "rspamd_tcp"
local calls = 0
local function cb(...)
  report('cb', ...)
  local err, _, conn = ...
  calls = calls + 1
  if not err and calls < 3 then conn:add_read(cb) end
end
tcp.request{host = servers.host, port = servers.chunked, callback = cb}
