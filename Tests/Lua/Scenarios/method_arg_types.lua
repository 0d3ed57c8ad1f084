-- rspamd's add_read/add_write (docs/lua-api.md#connection-methods; tcp.c lua_tcp_add_read/add_write): a callback that is not a function means
-- none, a pattern that is not a string means none; no Lua error (rspamd neither crashes nor logs here, so
-- "plugins run unchanged" applies: docs/lua-api.md#compatibility)
-- @max-seconds: 3
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n', timeout = 2, callback = function(...)
  report('cb', ...)
  local _, _, conn = ...
  -- a write without callback of a\r\n; the server answers got:a\r\n
  print('add_write non-function callback', pcall(conn.add_write, conn, 'not a function', 'a\r\n'))
  -- a read without callback: consumes got:a silently
  print('add_read non-function callback', pcall(conn.add_read, conn, 'not a function', '\r\n'))
  conn:add_write(nil, 'b\r\n')
  -- a read without pattern: gets the next chunk, got:b\r\n, whole
  print('add_read number pattern', pcall(conn.add_read, conn, function(...) report('r', ...) end, 5))
end}
