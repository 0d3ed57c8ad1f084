-- binary-safe reads: the reply is the bytes 0x00..0xFF then \r\n; binary stop patterns (with 0xFE 0xFF), NUL
-- bytes in the data, the leftover \r\n delivered whole; then the whole 256 bytes with pattern \r\n
local tcp = require "rspamd_tcp"
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
all = table.concat(all)
tcp.request{host = servers.host, port = servers.binary, data = 'go\r\n', stop_pattern = '\16\17', callback = function(err, data, conn)
  print('r1', err, #data, hex(data))
  conn:add_read(function(err2, data2, conn2)
    print('r2', err2, #data2, hex(data2))
    conn2:add_read(function(err3, data3)
      print('r3', err3, #data3, hex(data3))
      tcp.request{host = servers.host, port = servers.binary, data = 'go\r\n', stop_pattern = '\r\n',
        callback = function(err4, data4)
          print('all', err4, #data4, tostring(data4) == all)
        end}
    end, '')
  end, '\254\255')
end}
