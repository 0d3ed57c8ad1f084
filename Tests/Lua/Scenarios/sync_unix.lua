-- connect_sync to a unix socket path
local tcp = require "rspamd_tcp"
local ok, conn = tcp.connect_sync{host = servers.unix, port = 0}
report('connect', ok, conn)
report('read', conn:read_once())
report('write', conn:write('x\r\n'))
report('read', conn:read_once())
conn:close()
