-- "sync refused / DNS": connect_sync returns false and rspamd's error text
local tcp = require "rspamd_tcp"
report('refused', tcp.connect_sync{host = servers.host, port = servers.closed})
report('dns', tcp.connect_sync{host = servers.unknown_name, port = 25})
report('missing unix', tcp.connect_sync{host = servers.missing_unix, port = 0})
