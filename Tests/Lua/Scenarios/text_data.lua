-- "rspamd_text data": a table of an rspamd{text} and a string is sent as one stream; the data argument is a
-- userdata whose tostring is the line
local tcp = require "rspamd_tcp"
local text = require "rspamd_text"
tcp.request{host = servers.host, port = servers.banner, data = {text.fromstring('te'), 'xt\r\n'},
  stop_pattern = '\r\n', callback = function(...)
    report('cb', ...)
    local _, _, conn = ...
    conn:add_read(function(err, data)
      print('cb2', err, type(data), tostring(data))
    end, '\r\n')
  end}
