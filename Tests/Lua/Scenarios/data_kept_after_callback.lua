-- (docs/lua-api.md#text-objects) the data a read callback gets is an owned, immutable text: still the same bytes in a later callback
local tcp = require "rspamd_tcp"
local kept
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = function(err, data, conn)
  kept = data
  conn:add_read(function(err2, data2)
    print('first', tostring(kept), #kept)
    print('second', tostring(data2), #data2)
  end, '\r\n')
end}
