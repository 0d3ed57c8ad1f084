-- "wrapper" (docs/lua-api.md#lua_tcp_sync): lua_tcp_sync over the chunked server ("AB","C\r","\nDEF","\r\n","tail", then close)
local tcp_sync = require "lua_tcp_sync"
local ok, s = tcp_sync.connect{host = servers.host, port = servers.chunked, timeout = 5}
print('connect', ok, (tostring(s):gsub('%d+}$', 'PORT}')))
report('read_until', s:read_until('\r\n'))
report('read_bytes', s:read_bytes(2))
report('read_until', s:read_until('\r\n'))
report('read_until_eof', s:read_until_eof())
report('eof', s:eof())
report('raw read_once', s._conn:read_once())
s:close()
