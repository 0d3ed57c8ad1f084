-- "split pattern": the server sends AB, C\r, \nDEF, \r\n, tail and closes; the pattern is found across packets,
-- the unterminated tail is lost with the EOF error
local tcp = require "rspamd_tcp"
local function cb(...)
  report('cb', ...)
  local err, _, conn = ...
  if not err then conn:add_read(cb, '\r\n') end
end
tcp.request{host = servers.host, port = servers.chunked, stop_pattern = '\r\n', callback = cb}
