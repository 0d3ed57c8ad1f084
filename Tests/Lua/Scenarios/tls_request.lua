-- rspamd's functional test "SSL TCP request" (docs/lua-api.md#tls) with verification on (the test CA is configured): 'hello' twice, then close
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.tls_hello, ssl = true, data = {'test\n'}, stop_pattern = '\n',
  timeout = 5,
  on_connect = function(conn) report('connected', conn) end,
  callback = function(err, data, conn)
    report('r1', err, data, conn)
    conn:add_write(function(err2, conn2)
      report('w', err2, conn2)
      conn2:add_read(function(...) report('r2', ...) end, '\n')
    end, 'test2\n')
  end}
