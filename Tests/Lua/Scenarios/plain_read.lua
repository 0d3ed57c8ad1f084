-- "plain read": data hi\r\n, no pattern, the server answers line1\r\nline2\r\n: one callback (nil, data, conn)
local tcp = require "rspamd_tcp"
local ret = tcp.request{
  host = servers.host, port = servers.lines, data = 'hi\r\n',
  callback = function(...)
    report('cb', ...)
    local _, data = ...
    print('data', type(data), #data, data:len())
  end,
}
print('ret', ret)
