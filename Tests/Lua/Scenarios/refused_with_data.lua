-- "refused, with data"
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host, port = servers.closed, data = 'hi\r\n',
  callback = function(...) report('cb', ...) end})
