-- "port as string": only a Lua number is a port; a numeric string means port 0: refused
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host, port = tostring(servers.lines), data = 'hi\r\n',
  callback = function(...) report('cb', ...) end})
