-- (docs/lua-api.md#where-actortcp-departs-from-rspamd-and-why) lua_tcp_sync's read_once after buffered data must not break later reads (rspamd sets the buffer to nil
-- and every later read fails with "attempt to index field '_data'")
local tcp_sync = require "lua_tcp_sync"
local ok, s = tcp_sync.connect{host = servers.host, port = servers.chunked}
print('connect', ok)
report('read_until', s:read_until('C'))
report('read_once', s:read_once())
report('read_until', s:read_until('\r\n'))
report('read_bytes', s:read_bytes(1))
report('read_until_eof', s:read_until_eof())
s:close()
