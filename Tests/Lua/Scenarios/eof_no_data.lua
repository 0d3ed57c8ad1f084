-- "EOF no data": the peer reads the request and closes without a reply
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.close_after_read, data = 'hi\r\n',
  callback = function(...) report('cb', ...) end}
