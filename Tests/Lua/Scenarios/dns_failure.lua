-- "DNS failure": request returns true, the callback gets unable to resolve host
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.unknown_name, port = servers.lines, data = 'hi\r\n',
  callback = function(...) report('cb', ...) end})
