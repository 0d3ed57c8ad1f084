-- "sync shutdown": write 100000 bytes, shutdown(), read_once: the sink counted them; then the EOF error
local tcp = require "rspamd_tcp"
local ok, conn = tcp.connect_sync{host = servers.host, port = servers.sink}
report('connect', ok, conn)
report('write', conn:write(string.rep('x', 100000)))
report('shutdown', conn:shutdown())
report('read', conn:read_once())
report('read', conn:read_once())
report('eof', conn:eof())
conn:close()
