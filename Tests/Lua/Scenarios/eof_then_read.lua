-- "EOF then read": the pattern-less read gets the bytes, a read added after it gets the EOF error
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.noterm, callback = function(...)
  report('cb', ...)
  local err, _, conn = ...
  if not err then conn:add_read(function(...) report('cb2', ...) end) end
end}
