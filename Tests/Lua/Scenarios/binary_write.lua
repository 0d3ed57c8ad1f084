-- binary-safe writes: NUL and 0xFF in strings and in an rspamd{text} piece, then all 256 byte values; the server
-- answers the hex of what it got (shutdown = true ends the request)
local tcp = require "rspamd_tcp"
local text = require "rspamd_text"
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
all = table.concat(all)
tcp.request{host = servers.host, port = servers.hexdump, shutdown = true, stop_pattern = '\n',
  data = {'\0\255\0\1\254\r\n\0', text.fromstring('\255\0'), all},
  callback = function(err, data)
    local s = tostring(data)
    print('cb', err, s:sub(1, 20), s:sub(21) == hex(all))
  end}
