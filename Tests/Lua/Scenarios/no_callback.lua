-- "no callback": request returns false (logged), no Lua error; a non-function callback counts as none
-- @max-seconds: 2
-- @log: tcp request has bad params
local tcp = require "rspamd_tcp"
print('no callback', tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n'})
print('string callback', tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', callback = 'cb'})
