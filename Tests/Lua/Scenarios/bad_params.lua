-- Lua errors raised by request (docs/lua-api.md#requests): argument 1 not a table, missing host
local tcp = require "rspamd_tcp"
local ok, err = pcall(tcp.request, 'x')
print('not a table', ok, tostring(err):find('tcp request has bad params', 1, true) ~= nil)
ok, err = pcall(tcp.request, {port = servers.lines, callback = function() end})
print('no host', ok, type(err))
