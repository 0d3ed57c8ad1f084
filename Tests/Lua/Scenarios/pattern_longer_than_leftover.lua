-- "pattern longer than leftover" with ActorTcp's fix (docs/lua-api.md#where-actortcp-departs-from-rspamd-and-why): the leftover X is shorter than \r\n, the read keeps
-- reading and gets XYZ when YZ\r\n arrives (rspamd hangs forever)
-- @max-seconds: 3
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.leftover, stop_pattern = '\r\n', timeout = 2.5, callback = function(...)
  report('cb', ...)
  local err, _, conn = ...
  if not err then conn:add_read(function(...) report('cb2', ...) end, '\r\n') end
end}
