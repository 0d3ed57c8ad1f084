-- starttls on a sync connection: yields until the handshake is done; a second call raises
local tcp = require "rspamd_tcp"
local ok, conn = tcp.connect_sync{host = servers.host, port = servers.starttls, timeout = 5}
print('connect', ok)
report('banner', conn:read_once())
report('write', conn:write('STARTTLS\r\n'))
report('go', conn:read_once())
report('starttls', conn:starttls())
print('again', pcall(conn.starttls, conn))
report('greeting', conn:read_once())
report('write', conn:write('ping\r\n'))
report('reply', conn:read_once())
conn:close()

local ok2, bad = tcp.connect_sync{host = servers.host, port = servers.starttls_untrusted, timeout = 5}
bad:read_once(); bad:write('STARTTLS\r\n'); bad:read_once()
local tls_ok, err = bad:starttls()
print('untrusted', ok2, tls_ok, err:match('certificate verify failed') ~= nil, bad:eof())
