-- Called where the host cannot suspend it (a coroutine the plugin created): false and a clear message, no crash
local tcp = require "rspamd_tcp"
local ok, err = coroutine.wrap(function() return tcp.connect_sync{host = servers.host, port = servers.lines} end)()
print(ok, err)
