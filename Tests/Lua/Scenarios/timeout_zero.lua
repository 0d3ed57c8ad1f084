-- "timeout 0 / -1": no timer at all (not even the configured default, 0.3 s here): the read waits until the
-- peer closes after ~1 s and gets the EOF error, not IO timeout
-- @hocon: actortcp.default-timeout = 0.3s
-- @min-seconds: 1.8
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.close_later, timeout = 0, callback = function(...)
  report('timeout 0', ...)
  tcp.request{host = servers.host, port = servers.close_later, timeout = -1,
    callback = function(...) report('timeout -1', ...) end}
end}
