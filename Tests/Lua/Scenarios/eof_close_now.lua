-- EOF right after accept, with data and a pattern: the read gets the EOF error
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.close_now, data = 'hi\r\n', stop_pattern = '\r\n',
  callback = function(...) report('cb', ...) end}
