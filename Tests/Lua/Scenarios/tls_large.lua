-- rspamd's functional test "SSL Large TCP request" (docs/lua-api.md#tls): two 300000-byte pieces and '\n' over TLS, then a write and a read
local tcp = require "rspamd_tcp"
local piece = string.rep('t', 300000)
tcp.request{host = servers.host, port = servers.tls_hello, ssl = true, ssl_noverify = true,
  data = {piece, piece, '\n'}, stop_pattern = '\n', timeout = 20,
  callback = function(err, data, conn)
    print('TCP_SSL_LARGE', err, tostring(data))
    conn:add_write(function(werr, wconn)
      print('write foo', werr)
      -- the server answered every chunk of the large write: one 'hello' per line still queued, then ours
      wconn:add_read(function(rerr, rdata) print('TCP_SSL_LARGE_2', rerr, tostring(rdata)) end, '\n')
    end, 'foo\n')
  end}
