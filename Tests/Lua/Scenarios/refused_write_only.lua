-- "refused, write-only": the error reaches the write callback as (err, nil, conn), three arguments
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host, port = servers.closed, data = 'hi\r\n', read = false,
  callback = function(...) report('cb', ...) end})
