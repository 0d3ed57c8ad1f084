-- "partial": every chunk as sent (the pattern is ignored), then the EOF error (err, nil, conn)
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.chunked, partial = true, stop_pattern = '\r\n',
  callback = function(...) report('cb', ...) end}
