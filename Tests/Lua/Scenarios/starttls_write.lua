-- SMTP-style STARTTLS: banner, STARTTLS, go-ahead, starttls(), then a write: it proceeds over TLS after the
-- handshake (docs/lua-api.md#tls); the first TLS read gets the server's secure greeting
local tcp = require "rspamd_tcp"
tcp.request{host = 'localhost', port = servers.starttls, stop_pattern = '\r\n', timeout = 5,
  callback = function(err, banner, conn)
    report('banner', err, banner, conn)
    conn:add_write(function()
      conn:add_read(function(gerr, go)
        report('go', gerr, go)
        conn:starttls()
        print('again', pcall(conn.starttls, conn))
        conn:add_write(function(werr) report('tls write', werr) end, 'ping\r\n')
        conn:add_read(function(rerr, greeting)
          report('greeting', rerr, greeting)
          conn:add_read(function(...) report('reply', ...) end, '\r\n')
        end, '\r\n')
      end, '\r\n')
    end, 'STARTTLS\r\n')
  end}
