-- "write only": data = {'a','b','c'}, read = false: the callback gets (nil, conn), two arguments
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host, port = servers.sink, data = {'a', 'b', 'c'}, read = false,
  callback = function(...) report('cb', ...) end})
