-- "leftover >= pattern length": the leftover XYZ is searched, more is read, XYZW is delivered
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.leftover_ge, stop_pattern = '\r\n', callback = function(...)
  report('cb', ...)
  local err, _, conn = ...
  if not err then conn:add_read(function(...) report('cb2', ...) end, '\r\n') end
end}
