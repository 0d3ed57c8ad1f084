-- partial mode, close() in the first chunk's callback: no further call (rspamd partial_close)
-- @max-seconds: 2
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.chunked, partial = true, callback = function(...)
  report('cb', ...)
  local _, _, conn = ...
  conn:close()
end}
