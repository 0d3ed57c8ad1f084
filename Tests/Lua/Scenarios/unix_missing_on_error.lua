-- missing unix socket with on_error: only on_error(err, conn) runs, before request returns false
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.missing_unix, data = 'hi\r\n',
  on_error = function(...) report('on_error', ...) end,
  callback = function(...) report('cb', ...) end})
