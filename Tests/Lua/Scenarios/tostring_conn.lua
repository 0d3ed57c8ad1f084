-- tostring(conn) is rspamd{tcp}(...) in on_connect, read, write and error callbacks
local tcp = require "rspamd_tcp"
local function show(tag, c)
  local s = tostring(c)
  print(tag, s:sub(1, 12), s:match('^rspamd{tcp}%(.+%)$') ~= nil)
end
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n',
  on_connect = function(c) show('on_connect', c) end,
  callback = function(err, data, conn)
    show('read', conn)
    conn:add_write(function(err2, c) show('write', c) end, 'more')
    conn:add_read(function(err3, d, c) show('error', c) end, 'NEVER')
  end}
