-- DNS failure with on_error (HEAD): before the connection is up only on_error(err, conn) is called
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.unknown_name, port = servers.lines, data = 'hi\r\n',
  on_error = function(...) report('on_error', ...) end,
  callback = function(...) report('cb', ...) end})
